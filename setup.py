"""Only for the optional compiled kernel (everything else is in pyproject.toml): without a C
compiler the build of the extension fails quietly and the NumPy code runs instead."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "cordee.analytics._paths_kernel",
            ["cordee/analytics/_paths_kernel.c"],
            extra_compile_args=["-O3"],
            optional=True,
        )
    ]
)
