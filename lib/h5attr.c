/* Strict reads of HDF5 attributes (h5attr.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "h5attr.h"

/* One value (a scalar, or a 1-D extent of one), else 0: an array made the
 * reads overflow their one value (a crash), or gave its first element. */
static int one_value(hid_t a)
{
    hid_t sp = H5Aget_space(a);
    hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    if (sp >= 0)
        H5Sclose(sp);
    return n == 1;
}

int pario_h5attr_exists(hid_t loc, const char *name)
{
    htri_t e;
    H5E_BEGIN_TRY { e = H5Aexists(loc, name); } H5E_END_TRY;
    return e > 0;
}

/* The attribute open, with its type's class checked: a (its handle) and ft, or 0. */
static int open_class(hid_t loc, const char *name, H5T_class_t want, hid_t *a, hid_t *ft)
{
    *a = *ft = H5I_INVALID_HID;
    if (!pario_h5attr_exists(loc, name))
        return 0;
    H5E_BEGIN_TRY {
        *a = H5Aopen(loc, name, H5P_DEFAULT);
        *ft = *a >= 0 ? H5Aget_type(*a) : H5I_INVALID_HID;
    } H5E_END_TRY;
    return *ft >= 0 && H5Tget_class(*ft) == want && one_value(*a);
}

static void close_both(hid_t a, hid_t ft)
{
    H5E_BEGIN_TRY {
        if (ft >= 0)
            H5Tclose(ft);
        if (a >= 0)
            H5Aclose(a);
    } H5E_END_TRY;
}

/* An integer attribute as its own signedness gives it: *fsigned, and x. */
static int read_int(hid_t loc, const char *name, int *fsigned, uint64_t *x)
{
    hid_t a, ft;
    int ok = open_class(loc, name, H5T_INTEGER, &a, &ft);
    if (ok) {
        *fsigned = H5Tget_sign(ft) == H5T_SGN_2;
        H5E_BEGIN_TRY { ok = H5Aread(a, *fsigned ? H5T_NATIVE_INT64 : H5T_NATIVE_UINT64, x) >= 0; } H5E_END_TRY;
    }
    close_both(a, ft);
    return ok;
}

int pario_h5attr_u64(hid_t loc, const char *name, uint64_t *v)
{
    int s = 0;
    uint64_t x = 0;
    if (!read_int(loc, name, &s, &x) || (s && (int64_t)x < 0))
        return 0;
    *v = x;
    return 1;
}

int pario_h5attr_i64(hid_t loc, const char *name, int64_t *v)
{
    int s = 0;
    uint64_t x = 0;
    if (!read_int(loc, name, &s, &x) || (!s && x > (uint64_t)INT64_MAX))
        return 0;
    *v = (int64_t)x;
    return 1;
}

int pario_h5attr_f64(hid_t loc, const char *name, double *v)
{
    hid_t a, ft;
    int ok = open_class(loc, name, H5T_FLOAT, &a, &ft);
    if (ok)
        H5E_BEGIN_TRY { ok = H5Aread(a, H5T_NATIVE_DOUBLE, v) >= 0; } H5E_END_TRY;
    close_both(a, ft);
    return ok;
}

int pario_h5attr_str(hid_t loc, const char *name, char *buf, size_t len)
{
    hid_t a, ft;
    int ok = open_class(loc, name, H5T_STRING, &a, &ft);
    htri_t vl = ok ? H5Tis_variable_str(ft) : -1;
    size_t fsize = ok && vl == 0 ? H5Tget_size(ft) : 0;
    ok = ok && vl >= 0 && len > 0 && fsize < (1u << 20);
    if (ok) {
        /* read whole in the file's character set (HDF5 does not convert ASCII
         * and UTF-8), then held to buf by its text: a variable-length string
         * (h5py's for a Python str, f.attrs['pario_run'] = '...'), or a
         * fixed-length one read a byte wider than the file's (one padded with
         * NULs to its full size, h5py's bytes, "darts" in 5 bytes, lost its
         * last character to the terminator), whatever its type's size (a
         * short text in h5py's attrs.create(..., dtype='S64') was refused) */
        hid_t mt = H5Tcopy(H5T_C_S1);
        char *s = vl ? NULL : calloc(1, fsize + 1);
        ok = mt >= 0 && (vl || s) && H5Tset_size(mt, vl ? H5T_VARIABLE : fsize + 1) >= 0 &&
             H5Tset_cset(mt, H5Tget_cset(ft)) >= 0;
        if (ok)
            H5E_BEGIN_TRY { ok = H5Aread(a, mt, vl ? (void *)&s : (void *)s) >= 0; } H5E_END_TRY;
        memset(buf, 0, len);
        ok = ok && s && strlen(s) < len;
        if (ok)
            memcpy(buf, s, strlen(s));
        if (vl && s)
            H5free_memory(s);
        else
            free(s);
        if (mt >= 0)
            H5Tclose(mt);
    }
    close_both(a, ft);
    return ok;
}

int pario_h5_is_link(hid_t loc, const char *name)
{
#if H5_VERSION_GE(1, 12, 0)
    H5L_info2_t li;
#else
    H5L_info_t li;
#endif
    int linked = 0;
    H5E_BEGIN_TRY {
        if (H5Lexists(loc, name, H5P_DEFAULT) > 0)
            linked = H5Lget_info(loc, name, &li, H5P_DEFAULT) < 0 || li.type != H5L_TYPE_HARD;
    } H5E_END_TRY;
    return linked;
}
