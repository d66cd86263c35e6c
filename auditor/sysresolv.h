/*
 * sysresolv.h - the machine's own resolver, when none is configured.
 */
#ifndef MXAUDIT_SYSRESOLV_H
#define MXAUDIT_SYSRESOLV_H

/*
 * The first nameserver of /etc/resolv.conf as a server spec for
 * server_parse() ("192.0.2.53", "[2001:db8::53]:53"), or NULL when there
 * is none. The caller frees it and decides the fallback.
 */
char *system_resolver(void);

#endif
