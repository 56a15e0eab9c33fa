/* One pass over aggregated paths ("a > b > c") as Arrow string buffers: everything the
 * from-paths models need (Markov transition counts, first/last/linear/position credits, Shapley
 * coalition counts), accumulated in the same order as the NumPy code in attribution.py so that
 * the sums are the same to the last bit. Optional: when this module is missing, or returns None
 * (a bad step, a null, more than MAXC channels), the NumPy reader runs instead.
 *
 * scan(chunks, weights, conversions, amounts, exact_max)
 *   chunks: list of (offsets buffer (int32), data buffer (uint8), array offset, length)
 *   weights, conversions: float64 buffers, one per row (conversions + nulls, conversions)
 *   amounts: list of float64 buffers, one per row (what first/last/linear/position distribute)
 *   exact_max: coalition counts are made when the number of channels is at most this
 * returns None, or (names, counts, credits, coalition journeys, coalition conversions), channels
 * sorted by name (UTF-8 byte order = code point order = Python's str order); the arrays are
 * bytearrays of float64: counts (n+3)^2, credits len(amounts) x 4 x n (first, last, linear,
 * position), coalitions 2^n (None when n > exact_max). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAXC 64
#define SLOTS 256
#define MAXA 4

typedef struct {
    const uint8_t *ptr;
    Py_ssize_t len;
    uint64_t key; /* the bytes of a name of at most 8 bytes, zero-padded */
} name_t;

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

static int cmp_names(const name_t *a, const name_t *b) {
    Py_ssize_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->ptr, b->ptr, (size_t)n);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}

static name_t *sort_base;
static int cmp_index(const void *x, const void *y) {
    return cmp_names(&sort_base[*(const int *)x], &sort_base[*(const int *)y]);
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

static PyObject *scan(PyObject *self, PyObject *args) {
    PyObject *chunks, *weights_obj, *conv_obj, *amounts_obj;
    int exact_max;
    if (!PyArg_ParseTuple(args, "O!OOO!i", &PyList_Type, &chunks, &weights_obj, &conv_obj,
                          &PyList_Type, &amounts_obj, &exact_max))
        return NULL;
    Py_ssize_t n_amounts = PyList_GET_SIZE(amounts_obj);
    if (n_amounts < 1 || n_amounts > MAXA || exact_max > 24) {
        PyErr_SetString(PyExc_ValueError, "bad arguments");
        return NULL;
    }
    Py_ssize_t rows = 0, n_chunks = PyList_GET_SIZE(chunks);
    for (Py_ssize_t k = 0; k < n_chunks; k++) {
        PyObject *t = PyList_GET_ITEM(chunks, k);
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
    Py_ssize_t *chunk_offset = NULL, *chunk_length = NULL;
    uint64_t *masks = NULL;
    double *counts = NULL, *credits = NULL;
    int got_w = 0, got_c = 0, got_a = 0, n_bufs = 0, bad = 0;
    if (get_buffer(weights_obj, &wbuf, rows * 8) < 0) goto done;
    got_w = 1;
    if (get_buffer(conv_obj, &cbuf, rows * 8) < 0) goto done;
    got_c = 1;
    for (; got_a < n_amounts; got_a++)
        if (get_buffer(PyList_GET_ITEM(amounts_obj, got_a), &abuf[got_a], rows * 8) < 0) goto done;
    obuf = calloc((size_t)n_chunks + 1, sizeof(Py_buffer));
    dbuf = calloc((size_t)n_chunks + 1, sizeof(Py_buffer));
    chunk_offset = calloc((size_t)n_chunks + 1, sizeof(Py_ssize_t));
    chunk_length = calloc((size_t)n_chunks + 1, sizeof(Py_ssize_t));
    masks = malloc(((size_t)rows + 1) * sizeof(uint64_t));
    const int size_max = MAXC + 3;
    counts = calloc((size_t)size_max * size_max, sizeof(double));
    credits = calloc((size_t)n_amounts * 4 * MAXC, sizeof(double));
    if (!obuf || !dbuf || !chunk_offset || !chunk_length || !masks || !counts || !credits) {
        PyErr_NoMemory();
        goto done;
    }
    for (; n_bufs < n_chunks; n_bufs++) {
        PyObject *t = PyList_GET_ITEM(chunks, n_bufs);
        Py_ssize_t offset = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 2));
        Py_ssize_t length = PyLong_AsSsize_t(PyTuple_GET_ITEM(t, 3));
        if (PyErr_Occurred()) goto done;
        if (offset < 0 || length < 0) {
            PyErr_SetString(PyExc_ValueError, "negative offset or length");
            goto done;
        }
        chunk_offset[n_bufs] = offset;
        chunk_length[n_bufs] = length;
        if (get_buffer(PyTuple_GET_ITEM(t, 0), &obuf[n_bufs], (offset + length + 1) * 4) < 0)
            goto done;
        if (get_buffer(PyTuple_GET_ITEM(t, 1), &dbuf[n_bufs], 0) < 0) {
            PyBuffer_Release(&obuf[n_bufs]);
            goto done;
        }
    }

    const double *weight = wbuf.buf, *conv = cbuf.buf;
    const double *amount[MAXA];
    for (int a = 0; a < n_amounts; a++) amount[a] = abuf[a].buf;
    name_t names[MAXC];
    int n = 0;
    int16_t table[SLOTS];
    memset(table, -1, sizeof(table));
    int path[4096];
    const int S = size_max; /* counts over [start, channels (discovery order)..., conv, null] as
                               start = 0, channel c = c + 1, conv = MAXC + 1, null = MAXC + 2 */
    Py_ssize_t row = 0;

    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t k = 0; k < n_chunks && !bad; k++) {
        Py_ssize_t offset = chunk_offset[k], length = chunk_length[k];
        const int32_t *offsets = (const int32_t *)obuf[k].buf + offset;
        const uint8_t *data = dbuf[k].buf, *limit = data + dbuf[k].len;
        if (offsets[0] < 0 || offsets[length] > dbuf[k].len) {
            bad = 1;
            break;
        }
        for (Py_ssize_t i = 0; i < length; i++, row++) {
            const uint8_t *p = data + offsets[i], *end = data + offsets[i + 1];
            int len = 0;
            uint64_t mask = 0;
            if (p >= end) {
                bad = 1;
                break;
            }
            while (1) { /* one step: [p, q) up to the next '>' or the end */
                const uint8_t *q = p;
                while (q < end && *q != '>') q++;
                const uint8_t *s = p, *e = q;
                while (s < e && is_space(*s)) s++;
                while (e > s && is_space(e[-1])) e--;
                if (s == e || len == 4096) {
                    bad = 1;
                    break;
                }
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
                int id = -1;
                while (table[slot] >= 0) {
                    name_t *nm = &names[table[slot]];
                    if (nm->len == tl &&
                        (tl <= 8 ? nm->key == key : memcmp(nm->ptr, s, (size_t)tl) == 0)) {
                        id = table[slot];
                        break;
                    }
                    slot = (slot + 1) & (SLOTS - 1);
                }
                if (id < 0) {
                    if (n == MAXC) {
                        bad = 1;
                        break;
                    }
                    id = n++;
                    names[id].ptr = s;
                    names[id].len = tl;
                    names[id].key = key;
                    table[slot] = (int16_t)id;
                }
                path[len++] = id;
                mask |= (uint64_t)1 << id;
                if (q == end) break;
                p = q + 1;
            }
            if (bad) break;
            masks[row] = mask;
            double w = weight[row], c = conv[row];
            /* Markov: start → first, pairs of different channels, last → conversion / null */
            counts[path[0] + 1] += w;
            for (int m = 1; m < len; m++)
                if (path[m] != path[m - 1]) counts[(path[m - 1] + 1) * S + path[m] + 1] += w;
            counts[(path[len - 1] + 1) * S + MAXC + 1] += c;
            counts[(path[len - 1] + 1) * S + MAXC + 2] += w - c;
            for (int a = 0; a < n_amounts; a++) {
                double x = amount[a][row];
                double *first = credits + (a * 4) * MAXC, *last = first + MAXC,
                       *linear = last + MAXC, *position = linear + MAXC;
                first[path[0]] += x;
                last[path[len - 1]] += x;
                double per = x / (double)len;
                for (int m = 0; m < len; m++) linear[path[m]] += per;
                if (len == 1) {
                    position[path[0]] += x * 1.0;
                } else if (len == 2) {
                    position[path[0]] += x * 0.5;
                    position[path[1]] += x * 0.5;
                } else {
                    double middle = (0.2 * x) / (double)(len - 2);
                    position[path[0]] += x * 0.4;
                    for (int m = 1; m < len - 1; m++) position[path[m]] += middle;
                    position[path[len - 1]] += x * 0.4;
                }
            }
        }
    }
    Py_END_ALLOW_THREADS

    if (bad || row != rows) {
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    /* channels sorted by name; rank[discovery id] = sorted index */
    int order[MAXC], rank[MAXC];
    for (int c = 0; c < n; c++) order[c] = c;
    sort_base = names;
    qsort(order, (size_t)n, sizeof(int), cmp_index);
    for (int c = 0; c < n; c++) rank[order[c]] = c;

    PyObject *name_list = PyList_New(n);
    if (!name_list) goto done;
    for (int c = 0; c < n; c++) {
        PyObject *s = PyUnicode_DecodeUTF8((const char *)names[order[c]].ptr, names[order[c]].len,
                                           "strict");
        if (!s) { /* not UTF-8: the NumPy reader decides */
            PyErr_Clear();
            Py_DECREF(name_list);
            result = Py_None;
            Py_INCREF(result);
            goto done;
        }
        PyList_SET_ITEM(name_list, c, s);
    }
    int size = n + 3;
    PyObject *out_counts = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)size * size * 8);
    PyObject *out_credits = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)n_amounts * 4 * n * 8);
    PyObject *out_journeys = NULL, *out_conversions = NULL;
    if (!out_counts || !out_credits) goto fail;
    /* state maps: start 0 → 0, channel c (c + 1) → rank[c] + 1, conv, null → n + 1, n + 2 */
    int state[MAXC + 3];
    state[0] = 0;
    for (int c = 0; c < n; c++) state[c + 1] = rank[c] + 1;
    for (int c = n; c < MAXC; c++) state[c + 1] = -1;
    state[MAXC + 1] = n + 1;
    state[MAXC + 2] = n + 2;
    double *oc = (double *)PyByteArray_AS_STRING(out_counts);
    memset(oc, 0, (size_t)size * size * 8);
    for (int i = 0; i < S; i++)
        for (int j = 0; j < S; j++)
            if (state[i] >= 0 && state[j] >= 0) oc[state[i] * size + state[j]] = counts[i * S + j];
    double *ocr = (double *)PyByteArray_AS_STRING(out_credits);
    for (int a = 0; a < n_amounts * 4; a++)
        for (int c = 0; c < n; c++) ocr[a * n + rank[c]] = credits[a * MAXC + c];
    if (n <= exact_max) {
        Py_ssize_t cells = (Py_ssize_t)1 << n;
        out_journeys = PyByteArray_FromStringAndSize(NULL, cells * 8);
        out_conversions = PyByteArray_FromStringAndSize(NULL, cells * 8);
        if (!out_journeys || !out_conversions) goto fail;
        double *oj = (double *)PyByteArray_AS_STRING(out_journeys);
        double *ov = (double *)PyByteArray_AS_STRING(out_conversions);
        memset(oj, 0, (size_t)cells * 8);
        memset(ov, 0, (size_t)cells * 8);
        Py_BEGIN_ALLOW_THREADS
        /* bits renumbered a byte at a time */
        uint32_t remap[3][256];
        for (int b = 0; b < 3; b++)
            for (int v = 0; v < 256; v++) {
                uint32_t m = 0;
                for (int bit = 0; bit < 8; bit++)
                    if ((v >> bit & 1) && b * 8 + bit < n) m |= (uint32_t)1 << rank[b * 8 + bit];
                remap[b][v] = m;
            }
        for (Py_ssize_t r = 0; r < rows; r++) {
            uint64_t m = masks[r];
            uint32_t s = remap[0][m & 255] | remap[1][(m >> 8) & 255] | remap[2][(m >> 16) & 255];
            oj[s] += weight[r];
            ov[s] += conv[r];
        }
        Py_END_ALLOW_THREADS
    } else {
        out_journeys = Py_None;
        Py_INCREF(Py_None);
        out_conversions = Py_None;
        Py_INCREF(Py_None);
    }
    result = Py_BuildValue("(NNNNN)", name_list, out_counts, out_credits, out_journeys,
                           out_conversions);
    goto done;
fail:
    Py_DECREF(name_list);
    Py_XDECREF(out_counts);
    Py_XDECREF(out_credits);
    Py_XDECREF(out_journeys);
    Py_XDECREF(out_conversions);
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
    free(chunk_offset);
    free(chunk_length);
    free(masks);
    free(counts);
    free(credits);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_VARARGS, "One pass over aggregated paths (see the module source)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_paths_kernel",
                                    "Compiled one-pass reader of aggregated paths.", -1, methods};

PyMODINIT_FUNC PyInit__paths_kernel(void) { return PyModule_Create(&module); }
