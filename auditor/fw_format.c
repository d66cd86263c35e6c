/*
 * fw_format.c - the firewall export formats mxaudit reads, one row each:
 * its name, how to tell it from the text, the parser that turns it into
 * the model, the cleaner that makes the snapshot file (volatile parts
 * out, secrets masked), and where its outside and inside interfaces come
 * from. Everything that names or chooses a format looks it up here.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "fw.h"

static bool detect_nft_json(const char *s)
{
	return *s == '{';
}

static bool detect_iptables(const char *s)
{
	if (fw_asa_detect(s) || fw_fortios_detect(s) || fw_junos_detect(s))   /* ": Saved", "#config-version=", "## Last commit" */
		return false;
	return *s == '*' || *s == '-' || *s == ':' ||
	       (*s == '#' && !fw_routeros_detect(s) && !fw_nft_text_detect(s));
}

static const struct fw_format formats[] = {
	{ "iptables", "iptables-save or iptables -S output (ip6tables too)",
	  detect_iptables, fw_parse_iptables, fw_iptables_clean, true,
	  "--in/--out or the configuration's outside/inside" },
	{ "nft-json", "nft -j list ruleset",
	  detect_nft_json, fw_parse_nft_json, fw_nft_clean, false,
	  "--in/--out or the configuration's outside/inside" },
	{ "nft", "nft list ruleset (text)",
	  fw_nft_text_detect, fw_parse_nft_text, fw_nft_text_clean, false,
	  "--in/--out or the configuration's outside/inside" },
	{ "routeros", "MikroTik RouterOS /export (terse or wrapped)",
	  fw_routeros_detect, fw_parse_routeros, fw_routeros_clean, false,
	  "the export: the first member of interface list WAN (else the first dst-nat's in-interface, "
	  "else the masquerade's out-interface); inside: the first member of list LAN" },
	{ "pfsense", "pfSense config.xml (Diagnostics > Backup)",
	  fw_pfsense_detect, fw_parse_pfsense, fw_pfsense_clean, false,
	  "the configuration: interface wan (else the first with a gateway) outside, lan inside" },
	{ "opnsense", "OPNsense config.xml (System > Configuration > Backups)",
	  fw_opnsense_detect, fw_parse_opnsense, fw_opnsense_clean, false,
	  "the configuration: interface wan (else the first with a gateway) outside, lan inside" },
	{ "fortios", "FortiGate show / show full-configuration / backup (Oxidized's too)",
	  fw_fortios_detect, fw_parse_fortios, fw_fortios_clean, false,
	  "the configuration: the first VIP's extintf (else the interface of role wan, else the default "
	  "route's device) outside; the dstintf of the first accepting policy to a VIP (else role lan) inside" },
	{ "asa", "Cisco ASA show running-config",
	  fw_asa_detect, fw_parse_asa, fw_asa_clean, false,
	  "the configuration: nameif outside (else the lowest security level) outside; the real "
	  "interface of the first static NAT to it (else nameif inside) inside" },
	{ "junos", "Juniper SRX show configuration (braces) or | display set",
	  fw_junos_detect, fw_parse_junos, fw_junos_clean, false,
	  "the configuration: the first interface of zone untrust (else of the first destination NAT's zone) "
	  "outside; of the to-zone of the first policy from it (else zone trust) inside" },
	{ "panos", "Palo Alto PAN-OS XML configuration (running-config.xml)",
	  fw_panos_detect, fw_parse_panos, fw_panos_clean, false,
	  "the configuration: the first interface of zone untrust outside, of zone trust inside" },
};

const struct fw_format *fw_format_find(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(formats); i++)
		if (!strcmp(formats[i].name, name))
			return &formats[i];
	return NULL;
}

const struct fw_format *fw_format_detect(const char *text)
{
	const char *s = text + strspn(text, " \t\r\n");

	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		if (formats[i].detect(s))
			return &formats[i];
	return NULL;
}

const struct fw_format *fw_format_at(size_t i)
{
	return i < ARRAY_SIZE(formats) ? &formats[i] : NULL;
}

static char names[256];

static void make_names(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(formats); i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 i ? ", " : "", formats[i].name);
}

/* Once, whichever thread asks first: diff parses both sides at once. */
const char *fw_format_names(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, make_names);
	return names;
}

const char *fw_detect_format(const char *text)
{
	const struct fw_format *f = fw_format_detect(text);

	return f ? f->name : NULL;
}
