/*
 * config.h - mxaudit.yaml: the domains and firewalls to watch.
 */
#ifndef MXAUDIT_CONFIG_H
#define MXAUDIT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "util.h"
#include "strmap.h"

struct domain_conf {
	char *name;                   /* lower case, no final dot */
	struct strlist dkim_selectors;
	struct strlist sending_ips;   /* textual addresses as configured */
	struct strlist mail_hosts;    /* optional: "IP[:PORT]" the MX must reach (firewall path) */
	unsigned line;                /* where it was configured */
};

struct firewall_conf {
	char *name;
	char *format;                 /* iptables, nft-json, ... */
	char *file;                   /* export, relative paths resolved against the config's dir */
	char *command;                /* or a command whose stdout is the export; may be NULL */
	unsigned command_timeout;     /* seconds the command may run; 0: the default, 60 */
	struct strlist mask;          /* the site's own secrets: extended regexes, masked in the export */
	char *ipset_file;             /* optional `ipset save` output */
	struct strlist public_ips;    /* addresses this firewall owns */
	struct strlist outside_ifaces;
	struct strlist inside_ifaces;
	unsigned line;
};

struct config {
	char *path;
	bool lab;                     /* documentation/special ranges allowed for MX */
	struct strlist policies;      /* policy files (relative to config dir resolved) */
	struct strlist dns_servers;   /* like --dns-server */
	char *resolver;
	unsigned timeout_ms;          /* 0 = not set */
	unsigned max_inflight;        /* 0 = not set */
	unsigned server_inflight;     /* per server; 0 = not set */
	unsigned server_qps;          /* per server; 0 = no limit */
	unsigned dkim_warn_bits, dkim_crit_bits;  /* 2048, 1024 */
	unsigned stale_runs;          /* drift: runs a lookup must fail before it is a finding (2) */
	struct domain_conf *domains;
	size_t ndomains, domains_alloc;
	struct strmap by_name;        /* domain name -> its domain_conf (config_domain) */
	struct firewall_conf *firewalls;
	size_t nfirewalls, firewalls_alloc;
};

/* config.c */
/* Load and validate; every error names file:line:column. */
int config_load(const char *path, struct config *out);
/* The same from a buffer; path names it in errors and anchors relative paths. */
int config_parse(const char *path, const char *buf, size_t len, struct config *out);
/* The domain's configuration (name in any case), or NULL. Borrowed. */
const struct domain_conf *config_domain(const struct config *c, const char *name);
void config_release(struct config *c);

#endif
