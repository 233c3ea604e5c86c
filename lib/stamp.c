/* A file's size and modification time at the start of a read, compared at its
 * end (stamp.h). */
#include "config.h"
#include <string.h>
#include "stamp.h"

void pario_stamp_take(struct pario_stamp *s, const struct stat *sb)
{
    memset(s, 0, sizeof *s);
    if (!S_ISREG(sb->st_mode))
        return;
    s->valid = 1;
    s->size = (uint64_t)sb->st_size;
    s->mtime = sb->st_mtim;
}

void pario_stamp_path(struct pario_stamp *s, const char *path)
{
    struct stat sb;
    memset(s, 0, sizeof *s);
    if (path && stat(path, &sb) == 0)
        pario_stamp_take(s, &sb);
}

pario_status pario_stamp_compare(const struct pario_stamp *s, const struct stat *now, const char *path)
{
    if (!s->valid)
        return pario_ok();
    if ((uint64_t)now->st_size < s->size)
        return pario_local_error("%s: the file shrank while it was being read (was it changed?)", path);
    /* rewritten in place (the same size, other bytes): what was read may mix the two */
    if (now->st_mtim.tv_sec != s->mtime.tv_sec || now->st_mtim.tv_nsec != s->mtime.tv_nsec)
        return pario_local_error("%s: the file changed while it was being read", path);
    return pario_ok();
}

pario_status pario_stamp_check(const struct pario_stamp *s, const char *path)
{
    struct stat sb;
    if (!s->valid || stat(path, &sb) != 0)
        return pario_ok();
    return pario_stamp_compare(s, &sb, path);
}
