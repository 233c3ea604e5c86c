/* HDF5's error stack, reduced to one reason for a one-line error. */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "h5err.h"

struct walk {
    char inner[256]; /* the innermost description */
    char sys[256];   /* a reason from the system (errno or MPI), if any level recorded one */
};

/* Copy the text after `key` up to `end` (or the end of the line) into out. */
static int grab(const char *desc, const char *key, char end, char *out, size_t len)
{
    const char *p = strstr(desc, key);
    if (!p)
        return 0;
    p += strlen(key);
    /* ROMIO's strings are multi-line stacks: the reason is on the last line */
    const char *stop = end ? strchr(p, end) : NULL;
    size_t n = stop ? (size_t)(stop - p) : strlen(p);
    char buf[1024];
    n = n < sizeof buf - 1 ? n : sizeof buf - 1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    while (n && isspace((unsigned char)buf[n - 1]))
        buf[--n] = '\0';
    char *last = strrchr(buf, '\n');
    char *s = last ? last + 1 : buf;
    char *colon = strstr(s, "): ");
    if (last && colon)
        s = colon + 3;
    if (strncmp(s, "Other I/O error ", 16) == 0 && s[16])
        s += 16;
    if (!*s)
        return 0;
    snprintf(out, len, "%.*s", (int)(len - 1), s);
    return 1;
}

static herr_t visit(unsigned n, const H5E_error2_t *e, void *data)
{
    struct walk *w = data;
    const char *d = e->desc ? e->desc : "";
    if (n == 0)
        snprintf(w->inner, sizeof w->inner, "%s", *d ? d : "HDF5 error");
    if (!w->sys[0])
        if (!grab(d, "error message = '", '\'', w->sys, sizeof w->sys))
            grab(d, "MPI error string is '", '\'', w->sys, sizeof w->sys);
    return 0;
}

pario_status pario_h5_error(const char *what, const char *path)
{
    struct walk w = { "", "" };
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, visit, &w);
    const char *reason = w.sys[0] ? w.sys : w.inner[0] ? w.inner : "HDF5 error (no details)";
    pario_status st = path && *path ? pario_error(PARIO_ERR_RUNTIME, "%s: %s: %s", path, what, reason)
                                    : pario_error(PARIO_ERR_RUNTIME, "%s: %s", what, reason);
    st.local = 1;
    return st;
}

void pario_h5_close(hid_t dxpl, hid_t type, hid_t space, hid_t dset, hid_t file)
{
    if (dxpl >= 0)
        H5Pclose(dxpl);
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    if (file >= 0)
        H5Fclose(file);
}

/* The file number of the object at name (following links), or 0 when it has none. */
static unsigned long object_fileno(hid_t f, const char *name)
{
#if H5_VERSION_GE(1, 12, 0)
    H5O_info2_t oi;
    return H5Oget_info_by_name3(f, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ? 0 : oi.fileno;
#else
    H5O_info_t oi;
    return H5Oget_info_by_name2(f, name, &oi, H5O_INFO_BASIC, H5P_DEFAULT) < 0 ? 0 : oi.fileno;
#endif
}

int pario_h5_object_ids(const char *file, const char *const *names, size_t n, uint64_t *ids)
{
    int ok = 1;
    H5E_BEGIN_TRY {
        hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
        ok = f >= 0;
        for (size_t i = 0; ok && i < n; i++) {
#if H5_VERSION_GE(1, 12, 0)
            H5O_info2_t oi;
            ok = H5Oget_info_by_name3(f, names[i], &oi, H5O_INFO_BASIC, H5P_DEFAULT) >= 0;
            uint64_t t = 0;
            memcpy(&t, &oi.token, sizeof t < sizeof oi.token ? sizeof t : sizeof oi.token);
            ids[i] = t;
#else
            H5O_info_t oi;
            ok = H5Oget_info_by_name2(f, names[i], &oi, H5O_INFO_BASIC, H5P_DEFAULT) >= 0;
            ids[i] = (uint64_t)oi.addr;
#endif
        }
        if (f >= 0)
            H5Fclose(f);
    } H5E_END_TRY;
    return ok;
}

pario_status pario_h5_path_local(hid_t f, const char *file, const char *path, const char *verb)
{
    char p[4096];
    if (!path || snprintf(p, sizeof p, "%s", path) >= (int)sizeof p)
        return pario_ok(); /* HDF5 refuses what it cannot name */
    unsigned long home = object_fileno(f, "/");
    for (char *s = strchr(p + (*p == '/'), '/');; s = strchr(s + 1, '/')) {
        if (s)
            *s = 0;
        if (*p && strcmp(p, "/") != 0) {
#if H5_VERSION_GE(1, 12, 0)
            H5L_info2_t li;
#else
            H5L_info_t li;
#endif
            if (H5Lget_info(f, p, &li, H5P_DEFAULT) < 0)
                return pario_ok(); /* absent from here on: made (or missed) in f */
            if (li.type == H5L_TYPE_EXTERNAL) {
                char val[4096];
                const char *tfile = NULL, *tobj = NULL;
                unsigned flags;
                if (li.u.val_size <= sizeof val && H5Lget_val(f, p, val, sizeof val, H5P_DEFAULT) >= 0 &&
                    H5Lunpack_elink_val(val, li.u.val_size, &flags, &tfile, &tobj) >= 0 && tfile && tobj)
                    return pario_error(PARIO_ERR_RUNTIME, "%s: '%s' is an external link to %s:%s (pario %s datasets "
                                       "stored in the file itself: name that file instead)", file, p, tfile, tobj, verb);
                return pario_error(PARIO_ERR_RUNTIME, "%s: '%s' is an external link (pario %s datasets stored in the "
                                   "file itself)", file, p, verb);
            }
            if (li.type != H5L_TYPE_HARD && li.type != H5L_TYPE_SOFT)
                return pario_error(PARIO_ERR_RUNTIME, "%s: '%s' is a user-defined link (pario %s datasets stored in "
                                   "the file itself)", file, p, verb);
            unsigned long no = li.type == H5L_TYPE_SOFT ? object_fileno(f, p) : home;
            if (no == 0) /* a dangling soft link: the open or the creation says so */
                return pario_ok();
            if (no != home)
                return pario_error(PARIO_ERR_RUNTIME, "%s: '%s' is a soft link that leads into another file (pario "
                                   "%s datasets stored in the file itself)", file, p, verb);
        }
        if (!s)
            return pario_ok();
        *s = '/';
    }
}
