"""Permission-scoped reads of the field-feedback loop, one module per responsibility: ``inbox``
(the list, its facets, an item and its page, themes, competitors, SLA terms and breaches,
answers), ``similar`` (items like a text), ``health`` (the loop's numbers and top themes over
time) and ``pages`` (what only the HTML pages read: nav badge, "my feedback", merge picker)."""
