/* Cached jit dispatch in C: the common call of a jitted function, without Python frames.
 *
 * frontend/jit.py's `Jitted` derives from `Dispatcher`. Its call checks the positional
 * arguments against the signatures compiled so far (`Entry`s, which the Python path
 * registers): each argument a leaf or a flat tuple/list of leaves, each leaf a pullback
 * Array, a C-contiguous writable numpy array or a Python scalar whose aval (shape, dtype,
 * weak type) is the entry's. On a match it calls the native `void f(void **args)` entry
 * directly and wraps the outputs as Arrays. Anything else (keyword arguments, a trace on
 * this thread, jax.disable_jit, debug_nans/infs, a new signature, an unusual leaf) runs
 * `self._call_python(*args, **kwargs)`, which traces, compiles and registers as before.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

/* ------------------------------------------------------------------ configuration */

/* Set once by configure(): the Python objects whose state decides whether a call may
 * take the fast path, and where Array keeps its slots. */
static PyTypeObject *ArrayType;
static Py_ssize_t off_value, off_dtype, off_weak, off_ptr, off_aval;
static PyObject *jit_disabled;   /* list: [bool] */
static PyObject *debug_flags;    /* list: [nans, infs] */
static PyObject *trace_state;    /* threading.local whose `stack` is this thread's traces */
static PyObject *dtype_config;   /* dict: {"x64": bool} */
static PyObject *ResourceExhausted;
static PyObject *str_stack, *str_x64, *str_call_python, *str_unflatten;

/* What frontend/jit.py expects (configure's and Entry's arguments): an extension built from
 * older sources, left behind in an editable checkout, is not used. */
#define DISPATCH_API 3

#define SLOT(obj, off) (*(PyObject **)((char *)(obj) + (off)))

/* How a leaf may be given, beyond a matching Array (set by the Python side per leaf). */
enum {
    ACCEPT_NUMPY_X32 = 1 << 0,  /* a numpy array reads in place with x64 off */
    ACCEPT_NUMPY_X64 = 1 << 1,  /* ... with x64 on */
    ACCEPT_INT_X32 = 1 << 2,    /* a Python int: weak int32 (x64 off) */
    ACCEPT_INT_X64 = 1 << 3,    /* ... weak int64 (x64 on) */
    ACCEPT_FLOAT_X32 = 1 << 4,  /* a Python float: weak float32 (x64 off) */
    ACCEPT_FLOAT_X64 = 1 << 5,  /* ... weak float64 (x64 on) */
    ACCEPT_BOOL = 1 << 6,       /* a Python bool: weak bool */
};

/* Offset of an object slot (a `__slots__` member) of `type`, or -1. */
static Py_ssize_t slot_offset(PyTypeObject *type, const char *name)
{
    PyObject *d = PyObject_GetAttrString((PyObject *)type, name);
    Py_ssize_t off = -1;
    if (d == NULL)
        return -1;
    if (Py_IS_TYPE(d, &PyMemberDescr_Type)) {
        PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
        if (m->type == T_OBJECT_EX && !(m->flags & READONLY))
            off = m->offset;
    }
    Py_DECREF(d);
    if (off < 0)
        PyErr_Format(PyExc_TypeError, "%s.%s is not an object slot", type->tp_name, name);
    return off;
}

static PyObject *configure(PyObject *module, PyObject *args)
{
    PyObject *array, *disabled, *flags, *state, *config, *oom;
    if (!PyArg_ParseTuple(args, "O!O!O!OO!O:configure", &PyType_Type, &array, &PyList_Type, &disabled,
                          &PyList_Type, &flags, &state, &PyDict_Type, &config, &oom))
        return NULL;
    if (ArrayType != NULL) {  /* fast calls read these without locks: set once, never changed */
        PyErr_SetString(PyExc_RuntimeError, "configure: configured already");
        return NULL;
    }
    PyTypeObject *t = (PyTypeObject *)array;
    Py_ssize_t value, dtype, weak, ptr, aval;  /* all checked before any is used */
    if ((value = slot_offset(t, "_value")) < 0 || (dtype = slot_offset(t, "_dtype")) < 0 ||
        (weak = slot_offset(t, "_weak")) < 0 || (ptr = slot_offset(t, "_ptr")) < 0 ||
        (aval = slot_offset(t, "_aval")) < 0)
        return NULL;
    if (PyList_GET_SIZE(disabled) < 1 || PyList_GET_SIZE(flags) < 2 || !PyExceptionClass_Check(oom)) {
        PyErr_SetString(PyExc_ValueError, "configure: jit_disabled needs 1 item, debug_flags 2, and an "
                                          "exception class");
        return NULL;
    }
    off_value = value, off_dtype = dtype, off_weak = weak, off_ptr = ptr, off_aval = aval;
    jit_disabled = Py_NewRef(disabled);
    debug_flags = Py_NewRef(flags);
    trace_state = Py_NewRef(state);
    dtype_config = Py_NewRef(config);
    ResourceExhausted = Py_NewRef(oom);
    ArrayType = (PyTypeObject *)Py_NewRef(array);  /* last: fast calls begin once it is set */
    Py_RETURN_NONE;
}

/* 1 where the fast path may serve this call, 0 where Python must, -1 on error. */
static int fast_allowed(void)
{
    if (ArrayType == NULL)
        return 0;
    /* the lists may shrink only through misuse; guard the reads anyway */
    if (PyList_GET_SIZE(jit_disabled) < 1 || PyList_GET_SIZE(debug_flags) < 2)
        return 0;
    if (PyList_GET_ITEM(jit_disabled, 0) != Py_False || PyList_GET_ITEM(debug_flags, 0) != Py_False ||
        PyList_GET_ITEM(debug_flags, 1) != Py_False)
        return 0;
    PyObject *stack = PyObject_GetAttr(trace_state, str_stack);
    if (stack == NULL) {  /* a thread that never traced: give it its empty stack, as trace_stack() does */
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
            return -1;
        PyErr_Clear();
        PyObject *empty = PyList_New(0);
        int err = empty == NULL ? -1 : PyObject_SetAttr(trace_state, str_stack, empty);
        Py_XDECREF(empty);
        return err < 0 ? -1 : 1;
    }
    int empty = PyList_CheckExact(stack) ? PyList_GET_SIZE(stack) == 0 : !PyObject_IsTrue(stack);
    Py_DECREF(stack);
    return empty;
}

/* 1 when x64 mode is on, 0 when off, -1 on error. */
static int x64_enabled(void)
{
    PyObject *v = PyDict_GetItemWithError(dtype_config, str_x64);
    if (v == NULL)
        return PyErr_Occurred() ? -1 : 0;
    return PyObject_IsTrue(v);
}

/* ------------------------------------------------------------------ Entry */

typedef struct {
    PyObject *dtype;        /* pb dtype name, as the aval holds it */
    PyArray_Descr *descr;   /* its numpy storage dtype */
    PyObject *weak;         /* the aval's weak flag, as it holds it */
    int weak_true;
    int accept;             /* ACCEPT_* bits (inputs only) */
    int ndim;
    npy_intp *dims;
} Leaf;

typedef void (*entry_fn)(void **);

/* One compiled signature: what the arguments must look like, and how to call and wrap. */
typedef struct {
    PyObject_HEAD
    PyObject *owner;        /* keeps the executable and the captured constants alive */
    entry_fn fn;
    int x64;                /* the x64 mode it was traced in (its program depends on it) */
    int raw;                /* outputs stay numpy arrays (an Executable's call), not Arrays */
    int64_t *oom;           /* pb-check-allocations' flag, or NULL */
    Py_ssize_t nargs;       /* len(args) */
    int *arg_kind;          /* per argument: KIND_LEAF, KIND_TUPLE or KIND_LIST */
    Py_ssize_t *arg_len;    /* per argument: its number of leaves */
    Py_ssize_t nin, nout, ncaptured;
    Leaf *in, *out;
    void **captured;        /* data pointers of the captured constants */
    int out_kind;           /* KIND_*, or KIND_TREE: out_tree.unflatten(list) */
    PyObject *out_tree;
    npy_intp *dims;         /* storage of every Leaf's dims */
} EntryObject;

enum { KIND_LEAF = 0, KIND_TUPLE = 1, KIND_LIST = 2, KIND_TREE = 3 };

#define MAX_NDIM 64

static void leaves_clear(Leaf *leaves, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; leaves != NULL && i < n; i++) {
        Py_CLEAR(leaves[i].dtype);
        Py_CLEAR(leaves[i].descr);
        Py_CLEAR(leaves[i].weak);
    }
}

static int entry_traverse(EntryObject *self, visitproc visit, void *arg)
{
    Py_VISIT(self->owner);
    Py_VISIT(self->out_tree);
    return 0;
}

static int entry_clear(EntryObject *self)
{
    Py_CLEAR(self->owner);
    Py_CLEAR(self->out_tree);
    return 0;
}

static void entry_dealloc(EntryObject *self)
{
    PyObject_GC_UnTrack(self);
    entry_clear(self);
    leaves_clear(self->in, self->nin);
    leaves_clear(self->out, self->nout);
    PyMem_Free(self->arg_kind);
    PyMem_Free(self->arg_len);
    PyMem_Free(self->in);
    PyMem_Free(self->out);
    PyMem_Free(self->captured);
    PyMem_Free(self->dims);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Total number of dimensions of a tuple of leaf specs (each (dtype, numpy dtype, shape, weak[, accept])). */
static Py_ssize_t count_dims(PyObject *specs)
{
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(specs); i++) {
        PyObject *s = PyTuple_GET_ITEM(specs, i);
        if (!PyTuple_Check(s) || PyTuple_GET_SIZE(s) < 4 || !PyTuple_Check(PyTuple_GET_ITEM(s, 2))) {
            PyErr_SetString(PyExc_TypeError, "a leaf spec is (dtype, numpy dtype, shape, weak[, accept])");
            return -1;
        }
        Py_ssize_t nd = PyTuple_GET_SIZE(PyTuple_GET_ITEM(s, 2));
        if (nd > MAX_NDIM) {
            PyErr_SetString(PyExc_ValueError, "too many dimensions for the fast path");
            return -1;
        }
        total += nd;
    }
    return total;
}

/* Fill `leaves` from specs, taking dims from *dims (advanced). */
static int parse_leaves(PyObject *specs, Leaf *leaves, npy_intp **dims, int with_accept)
{
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(specs); i++) {
        PyObject *s = PyTuple_GET_ITEM(specs, i);
        Leaf *l = &leaves[i];
        PyObject *shape = PyTuple_GET_ITEM(s, 2);
        if (!PyUnicode_Check(PyTuple_GET_ITEM(s, 0))) {
            PyErr_SetString(PyExc_TypeError, "a leaf's dtype is a str");
            return -1;
        }
        if (!PyArray_DescrConverter(PyTuple_GET_ITEM(s, 1), &l->descr))
            return -1;
        l->dtype = Py_NewRef(PyTuple_GET_ITEM(s, 0));
        l->weak = Py_NewRef(PyTuple_GET_ITEM(s, 3));
        if ((l->weak_true = PyObject_IsTrue(l->weak)) < 0)
            return -1;
        if (with_accept) {
            if (PyTuple_GET_SIZE(s) < 5 || (l->accept = PyLong_AsLong(PyTuple_GET_ITEM(s, 4))) == -1) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_TypeError, "an input leaf spec has accept bits");
                return -1;
            }
        }
        l->ndim = (int)PyTuple_GET_SIZE(shape);
        l->dims = *dims;
        for (int d = 0; d < l->ndim; d++) {
            Py_ssize_t n = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape, d));
            if (n < 0) {
                if (!PyErr_Occurred())
                    PyErr_SetString(PyExc_ValueError, "a negative dimension");
                return -1;
            }
            l->dims[d] = n;
        }
        *dims += l->ndim;
    }
    return 0;
}

/* Per argument (kind, number of leaves): the structure of the positional arguments. */
static int parse_args(EntryObject *e, PyObject *arg_specs)
{
    e->nargs = PyTuple_GET_SIZE(arg_specs);
    e->arg_kind = PyMem_Calloc(e->nargs + 1, sizeof(int));
    e->arg_len = PyMem_Calloc(e->nargs + 1, sizeof(Py_ssize_t));
    if (e->arg_kind == NULL || e->arg_len == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < e->nargs; i++) {
        int kind;
        Py_ssize_t n;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(arg_specs, i), "in", &kind, &n))
            return -1;
        if (kind < KIND_LEAF || kind > KIND_LIST || n < 0 || (kind == KIND_LEAF && n != 1)) {
            PyErr_SetString(PyExc_ValueError, "an argument is (0, 1), (1, n) or (2, n)");
            return -1;
        }
        e->arg_kind[i] = kind;
        e->arg_len[i] = n;
        total += n;
    }
    if (total != e->nin) {
        PyErr_SetString(PyExc_ValueError, "the arguments' leaves do not add up to the input specs");
        return -1;
    }
    return 0;
}

static int parse_captured(EntryObject *e, PyObject *captured)
{
    e->ncaptured = PyTuple_GET_SIZE(captured);
    e->captured = PyMem_Calloc(e->ncaptured + 1, sizeof(void *));
    if (e->captured == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < e->ncaptured; i++) {
        e->captured[i] = PyLong_AsVoidPtr(PyTuple_GET_ITEM(captured, i));
        if (e->captured[i] == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "a captured constant at address 0");
            return -1;
        }
    }
    return 0;
}

static PyObject *entry_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"address", "oom_flag", "owner", "args", "inputs", "captured", "outputs",
                             "out_tree", "x64", "raw", NULL};
    PyObject *address, *oom, *owner, *arg_specs, *in_specs, *captured, *out_specs, *out_tree;
    int x64, raw = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OOOO!O!O!O!Op|p:Entry", kwlist, &address, &oom, &owner,
                                     &PyTuple_Type, &arg_specs, &PyTuple_Type, &in_specs, &PyTuple_Type,
                                     &captured, &PyTuple_Type, &out_specs, &out_tree, &x64, &raw))
        return NULL;
    Py_ssize_t in_dims = count_dims(in_specs), out_dims = count_dims(out_specs);
    if (in_dims < 0 || out_dims < 0)
        return NULL;
    EntryObject *e = (EntryObject *)type->tp_alloc(type, 0);
    if (e == NULL)
        return NULL;
    e->owner = Py_NewRef(owner);
    e->x64 = x64;
    e->raw = raw;
    e->fn = (entry_fn)PyLong_AsVoidPtr(address);
    e->oom = (int64_t *)PyLong_AsVoidPtr(oom);
    if (PyErr_Occurred())
        goto fail;
    if (e->fn == NULL) {
        PyErr_SetString(PyExc_ValueError, "an entry at address 0");
        goto fail;
    }
    e->nin = PyTuple_GET_SIZE(in_specs);
    e->nout = PyTuple_GET_SIZE(out_specs);
    e->in = PyMem_Calloc(e->nin + 1, sizeof(Leaf));
    e->out = PyMem_Calloc(e->nout + 1, sizeof(Leaf));
    e->dims = PyMem_Calloc(in_dims + out_dims + 1, sizeof(npy_intp));
    if (e->in == NULL || e->out == NULL || e->dims == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    npy_intp *dims = e->dims;
    if (parse_leaves(in_specs, e->in, &dims, 1) < 0 || parse_leaves(out_specs, e->out, &dims, 0) < 0 ||
        parse_args(e, arg_specs) < 0 || parse_captured(e, captured) < 0)
        goto fail;
    if (PyLong_Check(out_tree)) {
        e->out_kind = (int)PyLong_AsLong(out_tree);
        if (e->out_kind < KIND_LEAF || e->out_kind > KIND_LIST || (e->out_kind == KIND_LEAF && e->nout != 1)) {
            PyErr_SetString(PyExc_ValueError, "out_tree is 0 (one leaf), 1 (tuple), 2 (list) or a treedef");
            goto fail;
        }
    } else {
        e->out_kind = KIND_TREE;
        e->out_tree = Py_NewRef(out_tree);
    }
    return (PyObject *)e;
fail:
    Py_DECREF(e);
    return NULL;
}

static PyTypeObject EntryType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pullback.runtime._dispatch.Entry",
    .tp_doc = PyDoc_STR("Entry(address, oom_flag, owner, args, inputs, captured, outputs, out_tree, x64, raw=False): "
                        "one compiled signature the fast path can call"),
    .tp_basicsize = sizeof(EntryObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_new = entry_new,
    .tp_dealloc = (destructor)entry_dealloc,
    .tp_traverse = (traverseproc)entry_traverse,
    .tp_clear = (inquiry)entry_clear,
};

/* ------------------------------------------------------------------ matching arguments */

static int same_shape(const Leaf *spec, PyArrayObject *a)
{
    if (PyArray_NDIM(a) != spec->ndim)
        return 0;
    npy_intp *dims = PyArray_DIMS(a);
    for (int d = 0; d < spec->ndim; d++)
        if (dims[d] != spec->dims[d])
            return 0;
    return 1;
}

static int same_descr(const Leaf *spec, PyArrayObject *a)
{
    PyArray_Descr *d = PyArray_DESCR(a);
    return d == spec->descr || PyArray_EquivTypes(d, spec->descr);
}

/* Where the compiled call reads a matching Array, else NULL. */
static void *array_pointer(const Leaf *spec, PyObject *x)
{
    PyObject *v = SLOT(x, off_value), *dt = SLOT(x, off_dtype), *w = SLOT(x, off_weak);
    if (v == NULL || dt == NULL || w == NULL || !PyArray_Check(v))
        return NULL;
    if (dt != spec->dtype && !(PyUnicode_Check(dt) && PyUnicode_Compare(dt, spec->dtype) == 0))
        return NULL;
    int weak = w == Py_True ? 1 : w == Py_False ? 0 : PyObject_IsTrue(w);
    if (weak != spec->weak_true) {
        PyErr_Clear();
        return NULL;
    }
    PyArrayObject *a = (PyArrayObject *)v;
    if (!same_shape(spec, a) || !PyArray_IS_C_CONTIGUOUS(a) || !same_descr(spec, a))
        return NULL;
    return PyArray_DATA(a);
}

/* Where the compiled call reads a numpy array in place (as numpy_in_place does), else NULL. */
static void *numpy_pointer(const Leaf *spec, PyArrayObject *a, int x64)
{
    const int needed = NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED | NPY_ARRAY_WRITEABLE;
    if (!(spec->accept & (x64 ? ACCEPT_NUMPY_X64 : ACCEPT_NUMPY_X32)))
        return NULL;
    if ((PyArray_FLAGS(a) & needed) != needed || !same_shape(spec, a) || PyArray_SIZE(a) == 0 ||
        !same_descr(spec, a))
        return NULL;
    return PyArray_DATA(a);
}

/* A Python scalar written into *slot in the dtype the Python path would give it, or NULL
 * (out of range: the Python path raises or warns as numpy does). */
static void *scalar_pointer(const Leaf *spec, PyObject *x, int x64, uint64_t *slot)
{
    PyTypeObject *t = Py_TYPE(x);
    if (t == &PyBool_Type) {
        if (!(spec->accept & ACCEPT_BOOL))
            return NULL;
        *(uint8_t *)slot = x == Py_True;
        return slot;
    }
    if (t == &PyFloat_Type) {
        double v = PyFloat_AS_DOUBLE(x);
        if (x64) {
            if (!(spec->accept & ACCEPT_FLOAT_X64))
                return NULL;
            *(double *)slot = v;
            return slot;
        }
        float f = (float)v;
        if (!(spec->accept & ACCEPT_FLOAT_X32) || (isinf(f) && !isinf(v)))  /* numpy warns of overflow */
            return NULL;
        *(float *)slot = f;
        return slot;
    }
    if (t == &PyLong_Type) {
        if (!(spec->accept & (x64 ? ACCEPT_INT_X64 : ACCEPT_INT_X32)))
            return NULL;
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(x, &overflow);
        if (overflow || (v == -1 && PyErr_Occurred())) {  /* numpy raises OverflowError */
            PyErr_Clear();
            return NULL;
        }
        if (x64) {
            *(int64_t *)slot = v;
            return slot;
        }
        if (v < INT32_MIN || v > INT32_MAX)
            return NULL;
        *(int32_t *)slot = (int32_t)v;
        return slot;
    }
    return NULL;
}

/* The data pointer for leaf `x` under `spec`; NULL: no match (or an error, when set). */
static void *leaf_pointer(const Leaf *spec, PyObject *x, int x64, uint64_t *slot)
{
    PyTypeObject *t = Py_TYPE(x);
    if (t == ArrayType)
        return array_pointer(spec, x);
    if (t == &PyArray_Type)
        return spec->weak_true ? NULL : numpy_pointer(spec, (PyArrayObject *)x, x64);
    if (spec->accept & ~(ACCEPT_NUMPY_X32 | ACCEPT_NUMPY_X64))
        return scalar_pointer(spec, x, x64, slot);
    return NULL;
}

/* Buffers of one call: leaves (held), data pointers and the packed argument array. Small
 * calls use the stack; larger ones the heap. */
#define SMALL 32

typedef struct {
    PyObject **leaves;
    void **values, **argv;
    uint64_t *scalars;
    PyObject **outs;
    Py_ssize_t nheld;
    void *heap;
    PyObject *small_leaves[SMALL];
    void *small_values[SMALL], *small_argv[SMALL];
    uint64_t small_scalars[SMALL];
    PyObject *small_outs[SMALL];
} Buffers;

static int buffers_init(Buffers *b, EntryObject *e)
{
    Py_ssize_t nargs = e->nin + e->ncaptured + e->nout;
    b->nheld = 0;
    b->heap = NULL;
    if (nargs <= SMALL) {
        b->leaves = b->small_leaves;
        b->values = b->small_values;
        b->argv = b->small_argv;
        b->scalars = b->small_scalars;
        b->outs = b->small_outs;
        return 0;
    }
    char *p = PyMem_Malloc(nargs * (sizeof(PyObject *) * 2 + sizeof(void *) * 2 + sizeof(uint64_t)));
    if (p == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    b->heap = p;
    b->scalars = (uint64_t *)p;
    b->values = (void **)(b->scalars + nargs);
    b->argv = b->values + nargs;
    b->leaves = (PyObject **)(b->argv + nargs);
    b->outs = b->leaves + nargs;
    return 0;
}

static void buffers_free(Buffers *b)
{
    for (Py_ssize_t i = 0; i < b->nheld; i++)
        Py_DECREF(b->leaves[i]);
    PyMem_Free(b->heap);
}

/* Collect the leaves of `args` when its structure is the entry's (held until the call
 * returns: a list may lose them while the GIL is released). 1: match, 0: no match. */
static int collect_leaves(EntryObject *e, PyObject *args, Buffers *b)
{
    if (PyTuple_GET_SIZE(args) != e->nargs)
        return 0;
    Py_ssize_t k = 0;
    for (Py_ssize_t i = 0; i < e->nargs; i++) {
        PyObject *a = PyTuple_GET_ITEM(args, i);
        switch (e->arg_kind[i]) {
        case KIND_LEAF:
            b->leaves[k++] = Py_NewRef(a);
            break;
        case KIND_TUPLE:
            if (!PyTuple_CheckExact(a) || PyTuple_GET_SIZE(a) != e->arg_len[i])
                goto mismatch;
            for (Py_ssize_t j = 0; j < e->arg_len[i]; j++)
                b->leaves[k++] = Py_NewRef(PyTuple_GET_ITEM(a, j));
            break;
        default:
            if (!PyList_CheckExact(a) || PyList_GET_SIZE(a) != e->arg_len[i])
                goto mismatch;
            for (Py_ssize_t j = 0; j < e->arg_len[i]; j++)
                b->leaves[k++] = Py_NewRef(PyList_GET_ITEM(a, j));
        }
        b->nheld = k;
    }
    return 1;
mismatch:
    b->nheld = k;
    return 0;
}

/* Data pointers of every input leaf into b->values. 1: all match, 0: one does not, -1: error. */
static int match_leaves(EntryObject *e, Buffers *b)
{
    for (Py_ssize_t i = 0; i < e->nin; i++) {
        void *p = leaf_pointer(&e->in[i], b->leaves[i], e->x64, &b->scalars[i]);
        if (p == NULL)
            return PyErr_Occurred() ? -1 : 0;
        b->values[i] = p;
    }
    return 1;
}

/* ------------------------------------------------------------------ calling */

static PyObject *new_output(const Leaf *spec)
{
    Py_INCREF(spec->descr);  /* stolen */
    return PyArray_NewFromDescr(&PyArray_Type, spec->descr, spec->ndim, spec->dims, NULL, NULL, 0, NULL);
}

/* An Array adopting `value` (a reference stolen), as Array._wrap(value, dtype, weak). */
static PyObject *wrap(PyObject *value, const Leaf *spec)
{
    PyObject *a = ArrayType->tp_alloc(ArrayType, 0);
    if (a == NULL) {
        Py_DECREF(value);
        return NULL;
    }
    SLOT(a, off_value) = value;
    SLOT(a, off_dtype) = Py_NewRef(spec->dtype);
    SLOT(a, off_weak) = Py_NewRef(spec->weak);
    SLOT(a, off_ptr) = Py_NewRef(Py_None);
    SLOT(a, off_aval) = Py_NewRef(Py_None);
    return a;
}

/* The entry's output tree of the wrapped outputs (references stolen). */
static PyObject *build_tree(EntryObject *e, PyObject **outs)
{
    Py_ssize_t n = e->nout;
    if (e->out_kind == KIND_LEAF)
        return outs[0];
    PyObject *seq = e->out_kind == KIND_TUPLE ? PyTuple_New(n) : PyList_New(n);
    if (seq == NULL) {
        for (Py_ssize_t i = 0; i < n; i++)
            Py_DECREF(outs[i]);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (e->out_kind == KIND_TUPLE)
            PyTuple_SET_ITEM(seq, i, outs[i]);
        else
            PyList_SET_ITEM(seq, i, outs[i]);
    }
    if (e->out_kind != KIND_TREE)
        return seq;
    PyObject *tree = PyObject_CallMethodOneArg(e->out_tree, str_unflatten, seq);
    Py_DECREF(seq);
    return tree;
}

/* The native call with matched inputs: outputs allocated, called without the GIL, the
 * out-of-memory flag checked as PackedFunction does, outputs wrapped. */
static PyObject *call_entry(EntryObject *e, Buffers *b)
{
    Py_ssize_t nin = e->nin, nc = e->ncaptured, nout = e->nout, nargs = nin + nc + nout;
    Py_ssize_t made = 0;
    for (Py_ssize_t i = 0; i < nc; i++)
        b->values[nin + i] = e->captured[i];
    for (; made < nout; made++) {
        PyObject *o = new_output(&e->out[made]);
        if (o == NULL)
            goto fail;
        b->outs[made] = o;
        b->values[nin + nc + made] = PyArray_DATA((PyArrayObject *)o);
    }
    for (Py_ssize_t i = 0; i < nargs; i++)
        b->argv[i] = &b->values[i];
    Py_BEGIN_ALLOW_THREADS
    e->fn(b->argv);
    Py_END_ALLOW_THREADS
    if (e->oom != NULL && *e->oom != 0) {
        long long requested = (long long)*e->oom;
        *e->oom = 0;
        PyErr_Format(ResourceExhausted, "RESOURCE_EXHAUSTED: out of memory while trying to allocate %lld bytes",
                     requested);
        goto fail;
    }
    for (Py_ssize_t i = 0; i < nout && !e->raw; i++) {
        PyObject *a = wrap(b->outs[i], &e->out[i]);
        b->outs[i] = NULL;
        if (a == NULL) {
            for (Py_ssize_t j = 0; j < i; j++)
                Py_DECREF(b->outs[j]);
            for (Py_ssize_t j = i + 1; j < nout; j++)
                Py_DECREF(b->outs[j]);
            return NULL;
        }
        b->outs[i] = a;
    }
    return build_tree(e, b->outs);
fail:
    for (Py_ssize_t i = 0; i < made; i++)
        Py_DECREF(b->outs[i]);
    return NULL;
}

/* The call through `e` in x64 mode `x64`: its result, NULL with an error set, or NULL
 * without one (no match). */
static PyObject *try_entry(EntryObject *e, PyObject *args, int x64)
{
    Buffers b;
    if (PyTuple_GET_SIZE(args) != e->nargs || x64 != e->x64)
        return NULL;
    if (buffers_init(&b, e) < 0)
        return NULL;
    PyObject *result = NULL;
    if (collect_leaves(e, args, &b) && match_leaves(e, &b) > 0)
        result = call_entry(e, &b);
    buffers_free(&b);
    return result;
}

/* ------------------------------------------------------------------ Dispatcher */

#define MAX_ENTRIES 8

typedef struct {
    PyObject_HEAD
    PyObject *entries[MAX_ENTRIES];  /* most recently added first */
    int nentries;
    Py_ssize_t hits;                 /* calls the fast path served */
} DispatcherObject;

static PyObject *dispatcher_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    return type->tp_alloc(type, 0);  /* the subclass's __init__ takes the arguments */
}

static int dispatcher_traverse(DispatcherObject *self, visitproc visit, void *arg)
{
    for (int i = 0; i < self->nentries; i++)
        Py_VISIT(self->entries[i]);
    return 0;  /* a heap subclass's traverse visits its type (subtype_traverse) */
}

static int dispatcher_clear(DispatcherObject *self)
{
    int n = self->nentries;
    self->nentries = 0;
    for (int i = 0; i < n; i++)
        Py_CLEAR(self->entries[i]);
    return 0;
}

static void dispatcher_dealloc(DispatcherObject *self)
{
    /* a heap subclass's subtype_dealloc drops the reference to its type after this */
    PyObject_GC_UnTrack(self);
    dispatcher_clear(self);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *call_python(PyObject *self, PyObject *args, PyObject *kwargs)
{
    PyObject *method = PyObject_GetAttr(self, str_call_python);
    if (method == NULL)
        return NULL;
    PyObject *result = PyObject_Call(method, args, kwargs);
    Py_DECREF(method);
    return result;
}

static PyObject *dispatcher_call(DispatcherObject *self, PyObject *args, PyObject *kwargs)
{
    if (self->nentries > 0 && (kwargs == NULL || PyDict_GET_SIZE(kwargs) == 0)) {
        int allowed = fast_allowed();
        int x64 = allowed > 0 ? x64_enabled() : 0;
        if (allowed < 0 || x64 < 0)
            return NULL;
        for (int i = 0; allowed && i < self->nentries; i++) {
            PyObject *e = Py_NewRef(self->entries[i]);  /* another thread may drop it meanwhile */
            PyObject *result = try_entry((EntryObject *)e, args, x64);
            Py_DECREF(e);
            if (result != NULL) {
                self->hits++;
                return result;
            }
            if (PyErr_Occurred())
                return NULL;
        }
    }
    return call_python((PyObject *)self, args, kwargs);
}

static PyObject *dispatcher_fast_add(DispatcherObject *self, PyObject *entry)
{
    if (!Py_IS_TYPE(entry, &EntryType)) {
        PyErr_SetString(PyExc_TypeError, "_fast_add takes an Entry");
        return NULL;
    }
    int at = -1;
    for (int i = 0; i < self->nentries; i++)
        if (self->entries[i] == entry)
            at = i;
    if (at == 0)
        Py_RETURN_NONE;
    if (at < 0) {  /* new: the oldest goes when full */
        if (self->nentries == MAX_ENTRIES)
            Py_DECREF(self->entries[--self->nentries]);
        at = self->nentries++;
        Py_INCREF(entry);
    }
    memmove(&self->entries[1], &self->entries[0], at * sizeof(PyObject *));
    self->entries[0] = entry;
    Py_RETURN_NONE;
}

static PyObject *dispatcher_fast_clear(DispatcherObject *self, PyObject *unused)
{
    dispatcher_clear(self);
    Py_RETURN_NONE;
}

static PyObject *dispatcher_fast_entries(DispatcherObject *self, void *unused)
{
    return PyLong_FromLong(self->nentries);
}

static PyMethodDef dispatcher_methods[] = {
    {"_fast_add", (PyCFunction)dispatcher_fast_add, METH_O,
     "Serve calls of this Entry's signature in C (first in line; at most 8 kept)."},
    {"_fast_clear", (PyCFunction)dispatcher_fast_clear, METH_NOARGS, "Forget every Entry."},
    {NULL},
};

static PyMemberDef dispatcher_members[] = {
    {"_fast_hits", T_PYSSIZET, offsetof(DispatcherObject, hits), READONLY, "Calls the fast path served."},
    {NULL},
};

static PyGetSetDef dispatcher_getset[] = {
    {"_fast_entries", (getter)dispatcher_fast_entries, NULL, "Number of Entries held.", NULL},
    {NULL},
};

static PyTypeObject DispatcherType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "pullback.runtime._dispatch.Dispatcher",
    .tp_doc = PyDoc_STR("Base of jit's Jitted: calls matching a registered Entry run in C; any other "
                        "runs self._call_python(*args, **kwargs)."),
    .tp_basicsize = sizeof(DispatcherObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .tp_new = dispatcher_new,
    .tp_dealloc = (destructor)dispatcher_dealloc,
    .tp_traverse = (traverseproc)dispatcher_traverse,
    .tp_clear = (inquiry)dispatcher_clear,
    .tp_call = (ternaryfunc)dispatcher_call,
    .tp_methods = dispatcher_methods,
    .tp_members = dispatcher_members,
    .tp_getset = dispatcher_getset,
};

/* ------------------------------------------------------------------ module */

/* call(entry, args): an Executable's call through a raw Entry (numpy arrays in and out, no
 * trace or jit state involved); None where the arguments do not match (the caller checks
 * them in Python, which explains the mismatch). */
static PyObject *call(PyObject *module, PyObject *args)
{
    PyObject *entry, *arrays;
    if (!PyArg_ParseTuple(args, "O!O!:call", &EntryType, &entry, &PyTuple_Type, &arrays))
        return NULL;
    EntryObject *e = (EntryObject *)entry;
    if (ArrayType == NULL || !e->raw)  /* unconfigured: no OOM error class to raise yet */
        Py_RETURN_NONE;
    PyObject *result = try_entry(e, arrays, e->x64);
    if (result == NULL && !PyErr_Occurred())
        Py_RETURN_NONE;
    return result;
}

static PyMethodDef module_methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(Array, jit_disabled, debug_flags, trace_state, dtype_config, ResourceExhaustedError)"},
    {"call", call, METH_VARARGS, "call(entry, args): an Executable's call in C, or None (no match)"},
    {NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_dispatch", "Cached jit dispatch in C (see frontend/jit.py).", -1, module_methods,
};

PyMODINIT_FUNC PyInit__dispatch(void)
{
    import_array();
    if (PyType_Ready(&EntryType) < 0 || PyType_Ready(&DispatcherType) < 0)
        return NULL;
    str_stack = PyUnicode_InternFromString("stack");
    str_x64 = PyUnicode_InternFromString("x64");
    str_call_python = PyUnicode_InternFromString("_call_python");
    str_unflatten = PyUnicode_InternFromString("unflatten");
    if (str_stack == NULL || str_x64 == NULL || str_call_python == NULL || str_unflatten == NULL)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "Entry", (PyObject *)&EntryType) < 0 ||
        PyModule_AddObjectRef(m, "Dispatcher", (PyObject *)&DispatcherType) < 0 ||
        PyModule_AddIntConstant(m, "MAX_ENTRIES", MAX_ENTRIES) < 0 ||
        PyModule_AddIntConstant(m, "API", DISPATCH_API) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
