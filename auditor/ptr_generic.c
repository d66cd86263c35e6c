/*
 * ptr_generic.c - does a reverse name look generic: made up by an access
 * provider for a whole address block rather than named for a mail
 * server? Big receivers penalize mail from such names even when they
 * resolve back ("static-203-0-113-10.customer.isp.example"). Generic:
 * at least three of the IPv4 address's octets appear in the name as
 * numbers, in any order and with any separator (or the four as one
 * zero-padded run of 12 digits), or a label holds a word access
 * providers use (dynamic, dsl, pool, customer, static, ...). A mail
 * provider's own hosts are named per host and are not generic, though
 * some carry numbers ("mail-sor-f41.google.com").
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "analyze.h"

static const char *const generic_words[] = {
	"dynamic", "dyn", "dsl", "adsl", "cable", "pool", "dhcp", "ppp",
	"customer", "client", "static",
};

/* Suffixes of mail providers' own, per-host reverse names. */
static const char *const provider_suffixes[] = {
	".google.com", ".googlemail.com", ".outbound.protection.outlook.com",
	".protection.outlook.com", ".amazonses.com", ".mailgun.net", ".sendgrid.net",
	".mcsv.net", ".messagelabs.com", ".pphosted.com", ".mimecast.com",
};

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && !strncasecmp(s + n - k, suffix, k);
}

static bool provider_host(const char *name, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(provider_suffixes); i++)
		if (ends_with(name, n, provider_suffixes[i]))
			return true;
	return false;
}

/* How many of the four octets appear as numbers of their own in s[0..n). */
static int octets_in(const char *s, size_t n, const uint8_t oct[4])
{
	bool used[4] = { false };
	int found = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i;
		unsigned v = 0;

		if (!isdigit((unsigned char)s[i])) {
			i++;
			continue;
		}
		while (j < n && isdigit((unsigned char)s[j]))
			j++;
		if (j - i == 12) {    /* "203000113010" */
			char want[13];
			snprintf(want, sizeof(want), "%03u%03u%03u%03u", oct[0], oct[1], oct[2], oct[3]);
			if (!strncmp(s + i, want, 12))
				return 4;
		}
		for (size_t k = i; j - i <= 3 && k < j; k++)
			v = v * 10 + (unsigned)(s[k] - '0');
		for (int o = 0; j - i <= 3 && o < 4; o++)
			if (!used[o] && oct[o] == v) {
				used[o] = true;
				found++;
				break;
			}
		i = j;
	}
	return found;
}

/* A word of letters in s[0..n) that access providers use; copied to word. */
static bool generic_word(const char *s, size_t n, char *word, size_t size)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;

		if (!isalpha((unsigned char)s[i])) {
			i++;
			continue;
		}
		while (j < n && isalpha((unsigned char)s[j]))
			j++;
		for (size_t k = 0; k < ARRAY_SIZE(generic_words); k++)
			if (strlen(generic_words[k]) == j - i &&
			    !strncasecmp(s + i, generic_words[k], j - i)) {
				snprintf(word, size, "%s", generic_words[k]);
				return true;
			}
		i = j;
	}
	return false;
}

bool ptr_generic(const char *name, const char *addr, char *why, size_t size)
{
	size_t n = strlen(name), host;
	uint8_t oct[4];
	char word[16];
	int dots = 0;

	if (n && name[n - 1] == '.')
		n--;
	if (provider_host(name, n))
		return false;
	/* The registered domain (the last two labels) names the owner, not the host. */
	for (host = n; host > 0; host--)
		if (name[host - 1] == '.' && ++dots == 2)
			break;
	if (host)
		host--;
	if (inet_pton(AF_INET, addr, oct) == 1 && octets_in(name, host, oct) >= 3) {
		snprintf(why, size, "it spells out the address %s", addr);
		return true;
	}
	if (generic_word(name, host, word, sizeof(word))) {
		snprintf(why, size, "it holds '%s', a word access providers use for address pools", word);
		return true;
	}
	return false;
}
