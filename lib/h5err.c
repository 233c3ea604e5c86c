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
