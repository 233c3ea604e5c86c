/* The one YAML front end of descriptors and job files (private to libpario).
 *
 * pario_yaml_read reads a file whole: a regular file of at most PARIO_YAML_MAX_BYTES.
 * pario_yaml_parse runs libyaml's event parser once over the text and builds the
 * document from the events, refusing before anything is built deeper than
 * PARIO_YAML_MAX_DEPTH: more than one document (or anything after the first),
 * tags, anchors and aliases, keys that are not text, duplicate keys, NUL in a
 * scalar, and plain numbers that YAML 1.1 readers (PyYAML) and YAML 1.2 readers
 * would read differently (leading zeros, 0x/0o/0b, underscores, sexagesimal 1:20,
 * a leading +, .inf, .nan).
 *
 * Each plain scalar gets the tag a YAML 1.1 reader resolves it to (null, bool,
 * int, float; everything else, and every quoted scalar, is str; dates are str),
 * so the loaders can require "an integer", "text" or "true/false" exactly as the
 * schemas do (schemas/validate.py applies the same rules on the Python side).
 * Every error reads "PATH:LINE:COLUMN: FIELD: problem". */
#ifndef PARIO_YAML_LOAD_H
#define PARIO_YAML_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <yaml.h>
#include "pario/status.h"

#define PARIO_YAML_MAX_BYTES (1u << 20) /* descriptors and job files: 1 MiB */
#define PARIO_YAML_MAX_DEPTH 32         /* nested lists and mappings */

enum pario_yaml_kind { PARIO_YAML_OTHER, PARIO_YAML_STR, PARIO_YAML_INT, PARIO_YAML_FLOAT, PARIO_YAML_BOOL,
                       PARIO_YAML_NULL };

/* Read path whole into *text (malloc'ed, NUL-terminated; *len bytes). what names
 * the file in errors ("descriptor", "job file"); code is the status code. */
pario_status pario_yaml_read(const char *path, const char *what, int code, char **text, size_t *len);

/* Parse text into doc (delete it with yaml_document_delete on success only). */
pario_status pario_yaml_parse(const char *path, const char *text, size_t len, int code, yaml_document_t *doc);

/* "PATH:LINE:COLUMN: FIELD: message" at node (NULL: line 1, column 1; field NULL: none). */
pario_status pario_yaml_error(int code, const char *path, const yaml_node_t *node, const char *field,
                              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The kind of a node (OTHER for lists and mappings). */
int pario_yaml_kind(const yaml_node_t *n);
/* The text of a scalar of kind STR, else NULL. */
const char *pario_yaml_str(const yaml_node_t *n);
/* The text of a scalar of kind INT or FLOAT, else NULL. */
const char *pario_yaml_number(const yaml_node_t *n);
/* A non-negative INT that fits: 1 and *out, else 0. */
int pario_yaml_u64(const yaml_node_t *n, uint64_t *out);
/* A BOOL: 1 and *out (0 or 1), else 0. */
int pario_yaml_bool(const yaml_node_t *n, int *out);

/* Exposed for the unit tests: the kind a YAML 1.1 reader gives a plain scalar,
 * and whether its text is a number written the one unambiguous way. */
int pario_yaml_resolve(const char *s, size_t n);
int pario_yaml_number_plain(const char *s, size_t n);

#endif
