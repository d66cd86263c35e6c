/*
 * version.h - the program's version and the version of its JSON output.
 *
 * MXAUDIT_SCHEMA_VERSION counts incompatible changes to the documented
 * --format json output (docs/schema/); raise it when a key is removed,
 * renamed or changes type, not when one is added.
 */
#ifndef MXAUDIT_VERSION_H
#define MXAUDIT_VERSION_H

#define MXAUDIT_VERSION "0.1.0"
#define MXAUDIT_SCHEMA_VERSION 1

#endif
