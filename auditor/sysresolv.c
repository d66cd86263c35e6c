/*
 * sysresolv.c - reading /etc/resolv.conf; see sysresolv.h.
 */
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "sysresolv.h"

char *system_resolver(void)
{
	FILE *f = fopen("/etc/resolv.conf", "r");
	char line[512], addr[256];
	char *found = NULL;

	if (!f)
		return NULL;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, " nameserver %255s", addr) == 1)
			/* a bare IPv6 address would read as HOST:PORT */
			found = strchr(addr, ':') ? xasprintf("[%s]:53", addr) : xstrdup(addr);
	fclose(f);
	return found;
}
