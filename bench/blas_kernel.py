"""Which BLAS a process uses, and which kernel it picked: the same question for every side.

mlpscope and bench/sgemm_peak call openblas_get_corename themselves. A peer (numpy,
PyTorch) loads its BLAS through its own libraries, so the answer is read from inside the
peer's process once it has multiplied something: the shared objects mapped into it
(/proc/self/maps) name the BLAS, and OpenBLAS, once found, is asked for its core name
through ctypes (the library already loaded, so the same copy answers).

  describe() -> "OpenBLAS Zen (libopenblas.so.0)"  or  "MKL (libmkl_rt.so.2)"  or  "?"
"""
import ctypes
import os
import re

_KNOWN = (("openblas", "OpenBLAS"), ("mkl", "MKL"), ("blis", "BLIS"), ("atlas", "ATLAS"),
          ("libblas", "reference BLAS"))


def mapped_libraries():
    """The shared objects mapped into this process, by path, in order of first mapping."""
    seen = []
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split(maxsplit=5)[5].strip() if len(line.split()) >= 6 else ""
                if ".so" in path and path not in seen:
                    seen.append(path)
    except OSError:
        pass
    return seen


def openblas_corename(path):
    try:
        lib = ctypes.CDLL(path, mode=os.RTLD_NOLOAD | os.RTLD_GLOBAL)
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return None


def openblas_kernel(library="libopenblas.so.0"):
    """The kernel OpenBLAS picks for this CPU, as a process that loads it sees it (what
    mlpscope links): set OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE aside before calling."""
    lib = ctypes.CDLL(library)
    lib.openblas_get_corename.restype = ctypes.c_char_p
    return lib.openblas_get_corename().decode()


def describe():
    """The BLAS this process has loaded and, for OpenBLAS, its kernel; "?" when none is."""
    for path in mapped_libraries():
        name = os.path.basename(path)
        for key, family in _KNOWN:
            if key in name.lower():
                if family == "OpenBLAS" or re.match(r"libblas\.so", name):
                    core = openblas_corename(path)  # Debian's libblas.so.3 may be OpenBLAS
                    if core:
                        return f"OpenBLAS {core} ({name})"
                return f"{family} ({name})"
    return "?"


if __name__ == "__main__":
    import numpy as np
    a = np.ones((64, 64))
    a @ a
    print(describe())
