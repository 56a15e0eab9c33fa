/* One pass over aggregated paths ("a > b > c") as Arrow string buffers: everything the
 * from-paths models need (Markov transition counts, first/last/linear/position credits, Shapley
 * coalition counts). Optional: when this module is missing, or returns None (a bad step, a null,
 * more than MAXC channels), the NumPy reader runs instead.
 *
 * scan(chunks, weights, conversions, amounts, exact_max, parts, threads)
 *   chunks: list of (offsets buffer (int32), data buffer (uint8), array offset, length)
 *   weights, conversions: float64 buffers, one per row (conversions + nulls, conversions)
 *   amounts: list of float64 buffers, one per row (what first/last/linear/position distribute)
 *   exact_max: coalition counts are made when the number of channels is at most this
 *   parts: the rows are cut into this many consecutive parts, each summed on its own and the
 *     parts' sums then added in order; threads: how many threads share the parts. The result
 *     depends on `parts` only (never on `threads`): with one part, the sums are made in the
 *     same order as the NumPy code in attribution.py, to the last bit; with more, each credit
 *     is the same sum in another order (equal within a few ulps; integer counts are exact).
 * returns None, or (names, counts, credits, coalition journeys, coalition conversions), channels
 * sorted by name (UTF-8 byte order = code point order = Python's str order); the arrays are
 * bytearrays of float64: counts (n+3)^2, credits len(amounts) x 4 x n (first, last, linear,
 * position), coalitions 2^n (None when n > exact_max).
 *
 * scan_csv(buffer, start, columns, path_col, conv_col, null_col, value_col, exact_max, parts,
 *          threads)
 *   the same from the rows of a CSV file (buffer: the whole file, e.g. an mmap; start: the first
 *   byte after the header line, which Python has read; the columns' indices, value_col -1 when
 *   there is none), so that the file is never turned into an Arrow table. Parts are byte ranges
 *   cut at row starts (line ends outside quotes). Only plain rows are taken: comma-separated
 *   fields, each bare or wholly quoted without a doubled quote inside, counts and amounts made
 *   of digits with at most one '.' (read exactly: at most 15 significant digits); on anything
 *   else it returns None and the Arrow reader (which names the line) decides.
 *   returns None, or (the tuple above, conversions, weights, values or None), the last three
 *   float64 bytearrays per row in file order, values being amount per conversion (1 without).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAXC 64
#define SLOTS 256
#define MAXA 4
#define MAXLEN 4096
#define MAXPARTS 64
#define S (MAXC + 3) /* counts over [start, channels (discovery order)..., conv, null] as
                        start = 0, channel c = c + 1, conv = MAXC + 1, null = MAXC + 2 */

typedef struct {
    const uint8_t *ptr;
    Py_ssize_t len;
    uint64_t key; /* the bytes of a name of at most 8 bytes, zero-padded */
} name_t;

typedef struct {
    const int32_t *offsets; /* already moved by the array offset */
    const uint8_t *data, *limit;
    Py_ssize_t first_row, length;
} chunk_t;

typedef struct { /* what every part reads */
    const chunk_t *chunks; /* Arrow: the path column and the numbers per row */
    Py_ssize_t n_chunks;
    const double *weight, *conv, *amount[MAXA];
    int n_amounts;
    const uint8_t *csv; /* CSV: the whole file, and the columns' places */
    Py_ssize_t csv_size;
    int columns, path_col, conv_col, null_col, value_col;
} input_t;

typedef struct { /* one part: rows [begin, end) (Arrow) or bytes [begin, end) (CSV), its own
                    names and sums */
    const input_t *in;
    Py_ssize_t begin, end;
    name_t names[MAXC];
    int n, bad, oom;
    int16_t table[SLOTS];
    double counts[S * S];
    double credits[MAXA * 4 * MAXC];
    /* per row of the part, in the part's channel bits; for CSV, also its numbers */
    uint64_t *masks;
    const double *weight, *conv;
    double *csv_weight, *csv_conv, *csv_value;
    Py_ssize_t rows, capacity;
} part_t;

static uint64_t short_key(const uint8_t *s, Py_ssize_t len, const uint8_t *limit) {
    uint64_t key = 0;
    if (s + 8 <= limit) { /* one unaligned load, then only the name's bytes (little-endian) */
        memcpy(&key, s, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        return len == 8 ? key : key & ((1ull << (8 * len)) - 1);
#else
        key = 0;
#endif
    }
    for (Py_ssize_t i = 0; i < len; i++) key |= (uint64_t)s[i] << (8 * i);
    return key;
}

static int is_space(uint8_t c) {
    /* ASCII whitespace as Python's str.strip sees it; other Unicode spaces are caught after */
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* bit k set when b[k] == '>', for the 16 bytes from b (those at or past limit read as 0) */
static unsigned gt_bits(const uint8_t *b, const uint8_t *limit) {
#ifdef __SSE2__
    if (b + 16 <= limit) {
        __m128i v = _mm_loadu_si128((const __m128i *)b);
        return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')));
    }
#endif
    unsigned m = 0;
    for (int k = 0; k < 16 && b + k < limit; k++) m |= (unsigned)(b[k] == '>') << k;
    return m;
}

static int cmp_names(const name_t *a, const name_t *b) {
    Py_ssize_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->ptr, b->ptr, (size_t)n);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* the channel id of the trimmed step [s, e) in this part's names, adding it if new; -1 when the
 * step is empty or there are already MAXC names */
static inline __attribute__((always_inline)) int channel_id(part_t *pt, const uint8_t *s, const uint8_t *e, const uint8_t *limit) {
    while (s < e && is_space(*s)) s++;
    while (e > s && is_space(e[-1])) e--;
    if (s == e) return -1;
    Py_ssize_t tl = e - s;
    uint64_t key = 0;
    unsigned slot;
    if (tl <= 8) {
        key = short_key(s, tl, limit);
        slot = (unsigned)(((key ^ (uint64_t)tl) * 0x9E3779B97F4A7C15ull) >> 56);
    } else {
        uint32_t h = 2166136261u;
        for (const uint8_t *x = s; x < e; x++) h = (h ^ *x) * 16777619u;
        slot = h & (SLOTS - 1);
    }
    while (pt->table[slot] >= 0) {
        const name_t *nm = &pt->names[pt->table[slot]];
        if (nm->len == tl && (tl <= 8 ? nm->key == key : memcmp(nm->ptr, s, (size_t)tl) == 0))
            return pt->table[slot];
        slot = (slot + 1) & (SLOTS - 1);
    }
    if (pt->n == MAXC) return -1;
    int id = pt->n++;
    pt->names[id].ptr = s;
    pt->names[id].len = tl;
    pt->names[id].key = key;
    pt->table[slot] = (int16_t)id;
    return id;
}

/* one path row: its steps into path[], or -1 (a bad step, too many steps or channels) */
static inline __attribute__((always_inline)) int cut_path(part_t *pt, const uint8_t *p, const uint8_t *end, const uint8_t *limit,
                    int *path) {
    int len = 0;
    const uint8_t *step = p;
    for (const uint8_t *b = p;; b += 16) {
        unsigned m = gt_bits(b, limit);
        Py_ssize_t rest = end - b;
        if (rest < 16) m &= (1u << rest) - 1;
        while (m) {
            const uint8_t *gt = b + __builtin_ctz(m);
            m &= m - 1;
            int id = channel_id(pt, step, gt, limit);
            if (id < 0 || len == MAXLEN) return -1;
            path[len++] = id;
            step = gt + 1;
        }
        if (rest <= 16) break;
    }
    int id = channel_id(pt, step, end, limit);
    if (id < 0 || len == MAXLEN) return -1;
    path[len++] = id;
    return len;
}

/* one path's share of the part's sums: Markov counts, then first/last/linear/position credits
 * of each amount (the same operations in the same order as attribution.py) */
static void add_path(part_t *pt, const int *path, int len, double w, double c, const double *x,
                     int n_amounts) {
    double *counts = pt->counts;
    /* Markov: start → first, pairs of different channels, last → conversion / null */
    counts[path[0] + 1] += w;
    for (int m = 1; m < len; m++)
        if (path[m] != path[m - 1]) counts[(path[m - 1] + 1) * S + path[m] + 1] += w;
    counts[(path[len - 1] + 1) * S + MAXC + 1] += c;
    counts[(path[len - 1] + 1) * S + MAXC + 2] += w - c;
    for (int a = 0; a < n_amounts; a++) {
        double *first = pt->credits + (a * 4) * MAXC, *last = first + MAXC,
               *linear = last + MAXC, *position = linear + MAXC;
        first[path[0]] += x[a];
        last[path[len - 1]] += x[a];
        double per = x[a] / (double)len;
        for (int m = 0; m < len; m++) linear[path[m]] += per;
        if (len == 1) {
            position[path[0]] += x[a] * 1.0;
        } else if (len == 2) {
            position[path[0]] += x[a] * 0.5;
            position[path[1]] += x[a] * 0.5;
        } else {
            double middle = (0.2 * x[a]) / (double)(len - 2);
            position[path[0]] += x[a] * 0.4;
            for (int m = 1; m < len - 1; m++) position[path[m]] += middle;
            position[path[len - 1]] += x[a] * 0.4;
        }
    }
}

static uint64_t path_mask(const int *path, int len) {
    uint64_t mask = 0;
    for (int m = 0; m < len; m++) mask |= (uint64_t)1 << path[m];
    return mask;
}

static void scan_part(part_t *pt) { /* rows [begin, end) of Arrow string chunks */
    const input_t *in = pt->in;
    int path[MAXLEN];
    double x[MAXA];
    Py_ssize_t k = 0;
    while (k < in->n_chunks && in->chunks[k].first_row + in->chunks[k].length <= pt->begin) k++;
    for (Py_ssize_t row = pt->begin; row < pt->end; row++) {
        while (row >= in->chunks[k].first_row + in->chunks[k].length) k++;
        const chunk_t *ch = &in->chunks[k];
        Py_ssize_t i = row - ch->first_row;
        const uint8_t *p = ch->data + ch->offsets[i], *end = ch->data + ch->offsets[i + 1];
        int len = p < end ? cut_path(pt, p, end, ch->limit, path) : -1;
        if (len < 0) {
            pt->bad = 1;
            return;
        }
        pt->masks[row - pt->begin] = path_mask(path, len);
        for (int a = 0; a < in->n_amounts; a++) x[a] = in->amount[a][row];
        add_path(pt, path, len, in->weight[row], in->conv[row], x, in->n_amounts);
    }
    pt->rows = pt->end - pt->begin;
}

/* ---- CSV rows ------------------------------------------------------------------------------ */

/* the first ',', '\n', '\r' or '"' from p (limit when none) */
static const uint8_t *next_special(const uint8_t *p, const uint8_t *limit) {
#ifdef __SSE2__
    const __m128i comma = _mm_set1_epi8(','), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'),
                  quote = _mm_set1_epi8('"');
    for (; p + 16 <= limit; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)p);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, lf)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m) return p + __builtin_ctz(m);
    }
#endif
    while (p < limit && *p != ',' && *p != '\n' && *p != '\r' && *p != '"') p++;
    return p;
}

/* a count or an amount: digits, optionally a '.' and more digits; exactly rounded (at most 15
 * significant digits over a power of ten <= 1e22, Clinger's fast path), else -1 */
static const double POW10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int parse_number(const uint8_t *a, const uint8_t *b, double *out) {
    uint64_t m = 0;
    int digits = 0, fraction = -1;
    if (a == b) return -1;
    for (const uint8_t *x = a; x < b; x++) {
        if (*x == '.' && fraction < 0 && x > a) {
            fraction = 0;
            continue;
        }
        if (*x < '0' || *x > '9') return -1;
        if (m || *x != '0') digits++;
        if (digits > 15) return -1;
        m = m * 10 + (uint64_t)(*x - '0');
        if (fraction >= 0) fraction++;
    }
    if (fraction == 0) return -1; /* "3." */
    if (fraction > 22) return -1;
    *out = fraction > 0 ? (double)m / POW10[fraction] : (double)m;
    return 0;
}

static int grow(part_t *pt) {
    Py_ssize_t capacity = pt->capacity ? pt->capacity * 2 : 4096;
    uint64_t *masks = realloc(pt->masks, (size_t)capacity * sizeof(uint64_t));
    if (masks) pt->masks = masks;
    double *w = realloc(pt->csv_weight, (size_t)capacity * sizeof(double));
    if (w) pt->csv_weight = w;
    double *c = realloc(pt->csv_conv, (size_t)capacity * sizeof(double));
    if (c) pt->csv_conv = c;
    double *v = pt->in->value_col >= 0
                    ? realloc(pt->csv_value, (size_t)capacity * sizeof(double))
                    : pt->csv_value;
    if (v) pt->csv_value = v;
    if (!masks || !w || !c || (pt->in->value_col >= 0 && !v)) return -1;
    pt->capacity = capacity;
    return 0;
}

/* the rows in bytes [begin, end) of the CSV (both row starts): -1 on anything the Arrow reader
 * should judge instead (a quote inside a field, a missing or extra field, a number that is not
 * plain digits, a bad step) */
static int csv_rows(part_t *pt) {
    const input_t *in = pt->in;
    const uint8_t *p = in->csv + pt->begin, *stop = in->csv + pt->end,
                  *limit = in->csv + in->csv_size;
    int path[MAXLEN];
    while (p < stop) {
        if (*p == '\n') { /* an empty line */
            p++;
            continue;
        }
        if (*p == '\r' && p + 1 < limit && p[1] == '\n') {
            p += 2;
            continue;
        }
        const uint8_t *fa[4] = {NULL, NULL, NULL, NULL}, *fb[4] = {NULL, NULL, NULL, NULL};
        for (int col = 0; col < in->columns; col++) {
            const uint8_t *a, *b;
            if (p < limit && *p == '"') {
                a = p + 1;
                b = memchr(a, '"', (size_t)(limit - a));
                if (!b || (b + 1 < limit && b[1] == '"')) return -1; /* "" inside: Arrow */
                /* a line end inside quotes: Arrow's reader (newlines_in_values off) refuses it */
                if (memchr(a, '\n', (size_t)(b - a)) || memchr(a, '\r', (size_t)(b - a)))
                    return -1;
                p = b + 1;
            } else {
                a = p;
                b = p = next_special(p, limit);
                if (p < limit && *p == '"') return -1;
            }
            if (col < in->columns - 1) {
                if (p >= limit || *p != ',') return -1;
                p++;
            } else if (p < limit) {
                if (*p == '\r') p++;
                if (p >= limit || *p != '\n') return -1;
                p++;
            }
            int role = col == in->path_col   ? 0
                       : col == in->conv_col ? 1
                       : col == in->null_col ? 2
                       : col == in->value_col ? 3
                                              : -1;
            if (role >= 0) {
                fa[role] = a;
                fb[role] = b;
            }
        }
        if (p > stop) return -1; /* a row across the parts' border: cannot be */
        double c, nulls, total = 0.0;
        if (parse_number(fa[1], fb[1], &c) || parse_number(fa[2], fb[2], &nulls) ||
            (in->value_col >= 0 && parse_number(fa[3], fb[3], &total)))
            return -1;
        int len = fa[0] < fb[0] ? cut_path(pt, fa[0], fb[0], limit, path) : -1;
        if (len < 0) return -1;
        if (pt->rows == pt->capacity && grow(pt)) return -2;
        Py_ssize_t r = pt->rows++;
        double w = c + nulls, x[2] = {c, 0.0};
        if (in->value_col >= 0) { /* value per conversion, as read_paths makes it */
            double v = c > 0 ? total / c : 1.0;
            x[1] = c * v;
            pt->csv_value[r] = v;
        }
        pt->masks[r] = path_mask(path, len);
        pt->csv_weight[r] = w;
        pt->csv_conv[r] = c;
        add_path(pt, path, len, w, c, x, in->n_amounts);
    }
    return 0;
}

static void csv_part(part_t *pt) {
    int status = csv_rows(pt);
    pt->bad = status == -1;
    pt->oom = status == -2;
    pt->weight = pt->csv_weight;
    pt->conv = pt->csv_conv;
}

/* ---- parts on threads, and their sums merged ---------------------------------------------- */

typedef struct {
    part_t *parts;
    int n_parts, first, step;
    void (*scan)(part_t *);
} worker_t;

static void *run_worker(void *arg) {
    worker_t *w = arg;
    for (int p = w->first; p < w->n_parts; p += w->step) w->scan(&w->parts[p]);
    return NULL;
}

/* the parts scanned on `threads` threads (the caller's one included); the parts of a thread that
 * could not be started are scanned by the caller (the same result) */
static void scan_parts(part_t *parts, int n_parts, int threads, void (*scan)(part_t *)) {
    if (threads > n_parts) threads = n_parts;
    if (threads < 1) threads = 1;
    pthread_t ids[MAXPARTS];
    worker_t workers[MAXPARTS];
    int started[MAXPARTS] = {0};
    for (int t = 0; t < threads; t++) workers[t] = (worker_t){parts, n_parts, t, threads, scan};
    for (int t = 1; t < threads; t++)
        started[t] = pthread_create(&ids[t], NULL, run_worker, &workers[t]) == 0;
    run_worker(&workers[0]);
    for (int t = 1; t < threads; t++) {
        if (started[t])
            pthread_join(ids[t], NULL);
        else
            run_worker(&workers[t]);
    }
}

static int get_buffer(PyObject *obj, Py_buffer *view, Py_ssize_t min_bytes) {
    if (PyObject_GetBuffer(obj, view, PyBUF_SIMPLE) < 0) return -1;
    if (view->len < min_bytes) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_ValueError, "buffer too small");
        return -1;
    }
    return 0;
}

/* the channels of every part, merged and sorted by name: names[] (global order) and, per part,
 * rank[part][local id] = global index; returns the number of channels, or -1 (over MAXC) */
static int merge_names(part_t *parts, int n_parts, name_t *names, int (*rank)[MAXC]) {
    int n = 0;
    for (int p = 0; p < n_parts; p++)
        for (int c = 0; c < parts[p].n; c++) {
            int found = 0;
            for (int g = 0; g < n && !found; g++)
                found = cmp_names(&names[g], &parts[p].names[c]) == 0;
            if (!found) {
                if (n == MAXC) return -1;
                names[n++] = parts[p].names[c];
            }
        }
    for (int i = 1; i < n; i++) /* insertion sort: at most MAXC names */
        for (int j = i; j > 0 && cmp_names(&names[j - 1], &names[j]) > 0; j--) {
            name_t t = names[j];
            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    for (int p = 0; p < n_parts; p++)
        for (int c = 0; c < parts[p].n; c++)
            for (int g = 0; g < n; g++)
                if (cmp_names(&names[g], &parts[p].names[c]) == 0) rank[p][c] = g;
    return n;
}

/* (names, counts, credits, coalition journeys, coalition conversions) from the scanned parts,
 * None when a part refused its rows (or a name is not UTF-8), NULL on a Python error */
static PyObject *summary(part_t *parts, int n_parts, int n_amounts, int exact_max) {
    name_t names[MAXC];
    int rank[MAXPARTS][MAXC];
    int n = 0, bad = 0;
    for (int p = 0; p < n_parts; p++) {
        if (parts[p].oom) return PyErr_NoMemory();
        bad |= parts[p].bad;
    }
    if (!bad) n = merge_names(parts, n_parts, names, rank);
    if (bad || n < 0) Py_RETURN_NONE;
    PyObject *result = NULL, *name_list = NULL, *out_counts = NULL, *out_credits = NULL,
             *out_journeys = NULL, *out_conversions = NULL;
    name_list = PyList_New(n);
    if (!name_list) goto done;
    for (int c = 0; c < n; c++) {
        PyObject *s = PyUnicode_DecodeUTF8((const char *)names[c].ptr, names[c].len, "strict");
        if (!s) { /* not UTF-8: the NumPy reader decides */
            PyErr_Clear();
            result = Py_None;
            Py_INCREF(result);
            goto done;
        }
        PyList_SET_ITEM(name_list, c, s);
    }
    int size = n + 3;
    out_counts = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)size * size * 8);
    out_credits = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)n_amounts * 4 * n * 8);
    if (!out_counts || !out_credits) goto done;
    double *oc = (double *)PyByteArray_AS_STRING(out_counts);
    double *ocr = (double *)PyByteArray_AS_STRING(out_credits);
    memset(oc, 0, (size_t)size * size * 8);
    memset(ocr, 0, (size_t)n_amounts * 4 * n * 8);
    for (int p = 0; p < n_parts; p++) { /* the parts' sums, added in order */
        /* state maps: start 0 → 0, channel c (c + 1) → rank + 1, conv, null → n + 1, n + 2 */
        int state[S];
        state[0] = 0;
        for (int c = 0; c < MAXC; c++) state[c + 1] = c < parts[p].n ? rank[p][c] + 1 : -1;
        state[MAXC + 1] = n + 1;
        state[MAXC + 2] = n + 2;
        for (int i = 0; i < S; i++)
            for (int j = 0; j < S; j++)
                if (state[i] >= 0 && state[j] >= 0)
                    oc[state[i] * size + state[j]] += parts[p].counts[i * S + j];
        for (int a = 0; a < n_amounts * 4; a++)
            for (int c = 0; c < parts[p].n; c++)
                ocr[a * n + rank[p][c]] += parts[p].credits[a * MAXC + c];
    }
    if (n <= exact_max) {
        Py_ssize_t cells = (Py_ssize_t)1 << n;
        out_journeys = PyByteArray_FromStringAndSize(NULL, cells * 8);
        out_conversions = PyByteArray_FromStringAndSize(NULL, cells * 8);
        if (!out_journeys || !out_conversions) goto done;
        double *oj = (double *)PyByteArray_AS_STRING(out_journeys);
        double *ov = (double *)PyByteArray_AS_STRING(out_conversions);
        memset(oj, 0, (size_t)cells * 8);
        memset(ov, 0, (size_t)cells * 8);
        Py_BEGIN_ALLOW_THREADS
        for (int p = 0; p < n_parts; p++) {
            /* a part's bits renumbered a byte at a time (n <= exact_max <= 24) */
            uint32_t remap[3][256];
            for (int b = 0; b < 3; b++)
                for (int v = 0; v < 256; v++) {
                    uint32_t m = 0;
                    for (int bit = 0; bit < 8; bit++)
                        if ((v >> bit & 1) && b * 8 + bit < parts[p].n)
                            m |= (uint32_t)1 << rank[p][b * 8 + bit];
                    remap[b][v] = m;
                }
            const part_t *pt = &parts[p];
            for (Py_ssize_t r = 0; r < pt->rows; r++) {
                uint64_t m = pt->masks[r];
                uint32_t s =
                    remap[0][m & 255] | remap[1][(m >> 8) & 255] | remap[2][(m >> 16) & 255];
                oj[s] += pt->weight[r];
                ov[s] += pt->conv[r];
            }
        }
        Py_END_ALLOW_THREADS
    } else {
        out_journeys = Py_None;
        Py_INCREF(Py_None);
        out_conversions = Py_None;
        Py_INCREF(Py_None);
    }
    result = Py_BuildValue("(OOOOO)", name_list, out_counts, out_credits, out_journeys,
                           out_conversions);
done:
    Py_XDECREF(name_list);
    Py_XDECREF(out_counts);
    Py_XDECREF(out_credits);
    Py_XDECREF(out_journeys);
    Py_XDECREF(out_conversions);
    return result;
}

static part_t *new_parts(const input_t *in, int n_parts) {
    part_t *parts = calloc((size_t)n_parts, sizeof(part_t));
    if (!parts) return NULL;
    for (int p = 0; p < n_parts; p++) {
        parts[p].in = in;
        memset(parts[p].table, -1, sizeof(parts[p].table));
    }
    return parts;
}

/* ---- scan: Arrow string chunks ------------------------------------------------------------ */

static PyObject *scan(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *chunks_obj, *weights_obj, *conv_obj, *amounts_obj;
    int exact_max, n_parts, threads;
    if (!PyArg_ParseTuple(args, "O!OOO!iii", &PyList_Type, &chunks_obj, &weights_obj, &conv_obj,
                          &PyList_Type, &amounts_obj, &exact_max, &n_parts, &threads))
        return NULL;
    Py_ssize_t n_amounts = PyList_GET_SIZE(amounts_obj);
    if (n_amounts < 1 || n_amounts > MAXA || exact_max > 24 || n_parts < 1 ||
        n_parts > MAXPARTS || threads < 1) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    Py_ssize_t rows = 0, n_chunks = PyList_GET_SIZE(chunks_obj);
    for (Py_ssize_t k = 0; k < n_chunks; k++) {
        PyObject *t = PyList_GET_ITEM(chunks_obj, k);
        if (!PyTuple_Check(t) || PyTuple_GET_SIZE(t) != 4) {
            PyErr_SetString(PyExc_ValueError, "chunks: (offsets, data, offset, length) tuples");
            return NULL;
        }
        rows += PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 3));
    }
    if (PyErr_Occurred()) return NULL;

    PyObject *result = NULL;
    Py_buffer wbuf = {0}, cbuf = {0}, abuf[MAXA];
    memset(abuf, 0, sizeof(abuf));
    Py_buffer *obuf = NULL, *dbuf = NULL;
    chunk_t *chunks = NULL;
    part_t *parts = NULL;
    uint64_t *masks = NULL;
    int got_w = 0, got_c = 0, got_a = 0, n_bufs = 0, bad = 0;
    input_t in = {0};
    if (get_buffer(weights_obj, &wbuf, rows * 8) < 0) goto done;
    got_w = 1;
    if (get_buffer(conv_obj, &cbuf, rows * 8) < 0) goto done;
    got_c = 1;
    for (; got_a < n_amounts; got_a++)
        if (get_buffer(PyList_GET_ITEM(amounts_obj, got_a), &abuf[got_a], rows * 8) < 0) goto done;
    obuf = calloc((size_t)n_chunks + 1, sizeof(Py_buffer));
    dbuf = calloc((size_t)n_chunks + 1, sizeof(Py_buffer));
    chunks = calloc((size_t)n_chunks + 1, sizeof(chunk_t));
    parts = new_parts(&in, n_parts);
    masks = malloc(((size_t)rows + 1) * sizeof(uint64_t));
    if (!obuf || !dbuf || !chunks || !parts || !masks) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t first_row = 0;
    for (; n_bufs < n_chunks; n_bufs++) {
        PyObject *t = PyList_GET_ITEM(chunks_obj, n_bufs);
        Py_ssize_t offset = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 2));
        Py_ssize_t length = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 3));
        if (PyErr_Occurred()) goto done;
        if (offset < 0 || length < 0) {
            PyErr_SetString(PyExc_ValueError, "negative offset or length");
            goto done;
        }
        if (get_buffer(PyTuple_GET_ITEM(t, 0), &obuf[n_bufs], (offset + length + 1) * 4) < 0)
            goto done;
        if (get_buffer(PyTuple_GET_ITEM(t, 1), &dbuf[n_bufs], 0) < 0) {
            PyBuffer_Release(&obuf[n_bufs]);
            goto done;
        }
        const int32_t *offsets = (const int32_t *)obuf[n_bufs].buf + offset;
        if (length && (offsets[0] < 0 || offsets[length] > dbuf[n_bufs].len)) bad = 1;
        for (Py_ssize_t i = 0; i < length && !bad; i++) bad = offsets[i] > offsets[i + 1];
        chunks[n_bufs] = (chunk_t){offsets, dbuf[n_bufs].buf,
                                   (const uint8_t *)dbuf[n_bufs].buf + dbuf[n_bufs].len,
                                   first_row, length};
        first_row += length;
    }
    in.chunks = chunks;
    in.n_chunks = n_chunks;
    in.weight = wbuf.buf;
    in.conv = cbuf.buf;
    in.n_amounts = (int)n_amounts;
    for (int a = 0; a < n_amounts; a++) in.amount[a] = abuf[a].buf;
    for (int p = 0; p < n_parts; p++) {
        part_t *pt = &parts[p];
        pt->begin = rows * p / n_parts;
        pt->end = rows * (p + 1) / n_parts;
        pt->masks = masks + pt->begin;
        pt->weight = in.weight + pt->begin;
        pt->conv = in.conv + pt->begin;
    }
    if (bad) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    scan_parts(parts, n_parts, threads, scan_part);
    Py_END_ALLOW_THREADS
    result = summary(parts, n_parts, (int)n_amounts, exact_max);
done:
    for (int k = 0; k < n_bufs; k++) {
        PyBuffer_Release(&obuf[k]);
        PyBuffer_Release(&dbuf[k]);
    }
    for (int a = 0; a < got_a; a++) PyBuffer_Release(&abuf[a]);
    if (got_c) PyBuffer_Release(&cbuf);
    if (got_w) PyBuffer_Release(&wbuf);
    free(obuf);
    free(dbuf);
    free(chunks);
    free(parts);
    free(masks);
    return result;
}

/* ---- scan_csv: the rows of a CSV file ------------------------------------------------------ */

/* bytes [start, size) cut into parts that begin at row starts: each border moved on to just after
 * the first line end that is outside quotes (quotes counted from the start) */
static void csv_borders(const uint8_t *buf, Py_ssize_t start, Py_ssize_t size, int n_parts,
                        Py_ssize_t *border) {
    int quoted = 0;
    Py_ssize_t pos = start;
    int any_quote = memchr(buf + start, '"', (size_t)(size - start)) != NULL;
    border[0] = start;
    for (int p = 1; p < n_parts; p++) {
        Py_ssize_t target = start + (size - start) * p / n_parts;
        if (target < pos) target = pos;
        if (any_quote)
            for (; pos < target; pos++) quoted ^= buf[pos] == '"';
        pos = target;
        if (pos > start && buf[pos - 1] == '\n' && !quoted) { /* already a row start */
            border[p] = pos;
            continue;
        }
        while (pos < size) {
            uint8_t c = buf[pos++];
            if (c == '"')
                quoted ^= 1;
            else if (c == '\n' && !quoted)
                break;
        }
        border[p] = pos;
    }
    border[n_parts] = size;
}

static PyObject *scan_csv(PyObject *self, PyObject *args) {
    (void)self;
    PyObject *buffer;
    Py_ssize_t start;
    int columns, path_col, conv_col, null_col, value_col, exact_max, n_parts, threads;
    if (!PyArg_ParseTuple(args, "Oniiiiiiii", &buffer, &start, &columns, &path_col, &conv_col,
                          &null_col, &value_col, &exact_max, &n_parts, &threads))
        return NULL;
    int bad_col = path_col < 0 || path_col >= columns || conv_col < 0 || conv_col >= columns ||
                  null_col < 0 || null_col >= columns || value_col >= columns;
    if (columns < 1 || bad_col || exact_max > 24 || n_parts < 1 || n_parts > MAXPARTS ||
        threads < 1) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    Py_buffer view;
    if (get_buffer(buffer, &view, 0) < 0) return NULL;
    if (start < 0 || start > view.len) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "start outside the buffer");
        return NULL;
    }
    PyObject *result = NULL, *sums = NULL, *out[3] = {NULL, NULL, NULL};
    input_t in = {0};
    in.csv = view.buf;
    in.csv_size = view.len;
    in.columns = columns;
    in.path_col = path_col;
    in.conv_col = conv_col;
    in.null_col = null_col;
    in.value_col = value_col;
    in.n_amounts = value_col >= 0 ? 2 : 1;
    part_t *parts = new_parts(&in, n_parts);
    Py_ssize_t border[MAXPARTS + 1];
    if (!parts) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    csv_borders(view.buf, start, view.len, n_parts, border);
    for (int p = 0; p < n_parts; p++) {
        parts[p].begin = border[p];
        parts[p].end = border[p + 1];
    }
    scan_parts(parts, n_parts, threads, csv_part);
    Py_END_ALLOW_THREADS
    sums = summary(parts, n_parts, in.n_amounts, exact_max);
    if (!sums || sums == Py_None) {
        result = sums;
        sums = NULL;
        goto done;
    }
    /* the numbers per row, the parts one after the other: conversions, weights, values */
    Py_ssize_t rows = 0;
    for (int p = 0; p < n_parts; p++) rows += parts[p].rows;
    for (int k = 0; k < 3; k++) {
        if (k == 2 && value_col < 0) {
            out[k] = Py_None;
            Py_INCREF(Py_None);
            break;
        }
        out[k] = PyByteArray_FromStringAndSize(NULL, rows * 8);
        if (!out[k]) goto done;
        char *to = PyByteArray_AS_STRING(out[k]);
        for (int p = 0; p < n_parts; p++) {
            const double *from = k == 0 ? parts[p].csv_conv
                                 : k == 1 ? parts[p].csv_weight
                                          : parts[p].csv_value;
            if (parts[p].rows) memcpy(to, from, (size_t)parts[p].rows * 8);
            to += parts[p].rows * 8;
        }
    }
    result = Py_BuildValue("(OOOO)", sums, out[0], out[1], out[2]);
done:
    Py_XDECREF(sums);
    for (int k = 0; k < 3; k++) Py_XDECREF(out[k]);
    if (parts)
        for (int p = 0; p < n_parts; p++) {
            free(parts[p].masks);
            free(parts[p].csv_weight);
            free(parts[p].csv_conv);
            free(parts[p].csv_value);
        }
    free(parts);
    PyBuffer_Release(&view);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS, "One pass over aggregated paths as Arrow strings."},
    {"scan_csv", scan_csv, METH_VARARGS, "One pass over the rows of a CSV of aggregated paths."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_paths_kernel",
                                    "Compiled one-pass reader of aggregated paths.", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__paths_kernel(void) { return PyModule_Create(&module); }
