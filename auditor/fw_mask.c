/*
 * fw_mask.c - no secret of a firewall export reaches the store.
 *
 * Each format has a table of the option or key names whose value is a
 * secret (a new format adds its row); a firewall's `mask:` adds the
 * site's own patterns. A masked value becomes "<masked:HASH>", HASH the
 * first 12 hex digits of an HMAC-SHA256 of the value under a key of the
 * store's own: the same secret gives the same marker, so a diff shows
 * that a secret changed and never what it is, and a marker cannot be
 * brute-forced without the key. The key lives in the store's git
 * directory (mxaudit-mask.key), outside every snapshot tree.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "dkim_key.h"
#include "fw.h"

#define KEY_FILE "mxaudit-mask.key"

/*
 * Names whose value is a secret, per format; compared without case.
 * iptables: options ("--password X", "--password=X"); nft-json: object
 * keys with a string value, and "NAME=X" / "NAME X" inside strings
 * ("key" is not one: nft names expression fields "key", {"meta":
 * {"key": "iifname"}}).
 */
static const char *const ipt_secrets[] = {
	"--password", "--passwd", "--pass", "--secret", "--secret-key", "--key", "--psk",
	"--authkey", "--auth-key", "--passphrase", "--community", "--private-key",
};
static const char *const nft_secrets[] = {
	"password", "passwd", "secret", "secret-key", "psk", "authkey", "auth-key",
	"passphrase", "community", "private-key",
};

struct mask_table {
	const char *format;
	const char *const *names;
	size_t n;
};

static const struct mask_table tables[] = {
	{ "iptables", ipt_secrets, ARRAY_SIZE(ipt_secrets) },
	{ "nft-json", nft_secrets, ARRAY_SIZE(nft_secrets) },
};

static const struct mask_table *table_of(const char *format)
{
	for (size_t i = 0; i < ARRAY_SIZE(tables); i++)
		if (!strcmp(tables[i].format, format))
			return &tables[i];
	return NULL;
}

bool fw_mask_is_secret(const char *format, const char *name, size_t n)
{
	const struct mask_table *t = table_of(format);

	/* Key names (no dashes in the table) are found in text with or without them. */
	if (t && t->names[0][0] != '-')
		while (n && *name == '-')
			name++, n--;
	for (size_t i = 0; t && i < t->n; i++)
		if (strlen(t->names[i]) == n && !strncasecmp(t->names[i], name, n))
			return true;
	return false;
}

/* Read the store's key, creating it on first use; false if there is none to be had. */
static bool load_key(const char *store_dir, unsigned char key[32])
{
	char *path = xasprintf("%s/%s", store_dir, KEY_FILE), hex[65];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool ok = false;

	if (fd < 0 && errno == ENOENT) {
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0) {
			if (getrandom(key, 32, 0) == 32) {
				for (int i = 0; i < 32; i++)
					snprintf(hex + 2 * i, 3, "%02x", key[i]);
				ok = write(fd, hex, 64) == 64;
			}
			close(fd);
			free(path);
			return ok;
		}
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);   /* another run made it */
	}
	if (fd >= 0) {
		ok = read(fd, hex, 64) == 64;
		hex[64] = '\0';
		for (int i = 0; ok && i < 32; i++) {
			char byte[3] = { hex[2 * i], hex[2 * i + 1], '\0' }, *end;
			key[i] = (unsigned char)strtoul(byte, &end, 16);
			ok = *end == '\0' && isxdigit((unsigned char)byte[0]);
		}
		close(fd);
	}
	free(path);
	return ok;
}

int fw_mask_init(struct fw_mask *mk, const char *store_dir, const char *fw_name,
		 const struct strlist *patterns)
{
	memset(mk, 0, sizeof(*mk));
	mk->keyed = store_dir && load_key(store_dir, mk->key);
	mk->re = xcalloc(patterns && patterns->n ? patterns->n : 1, sizeof(*mk->re));
	for (size_t i = 0; patterns && i < patterns->n; i++) {
		if (regcomp(&mk->re[i], patterns->v[i], REG_EXTENDED) != 0) {
			fw_mask_release(mk);
			return error("firewall '%s': mask: '%s' is not an extended regular expression",
				     fw_name, patterns->v[i]);
		}
		mk->nre++;
	}
	return 0;
}

void fw_mask_release(struct fw_mask *mk)
{
	for (size_t i = 0; i < mk->nre; i++)
		regfree(&mk->re[i]);
	free(mk->re);
	memset(mk, 0, sizeof(*mk));
}

void fw_mask_marker(const struct fw_mask *mk, const char *value, size_t n, struct strbuf *out)
{
	unsigned char mac[32];

	if (!mk || !mk->keyed || hmac_sha256(mk->key, sizeof(mk->key), value, n, mac) < 0) {
		sb_adds(out, "<masked>");
		return;
	}
	sb_adds(out, "<masked:");
	for (int i = 0; i < 6; i++)
		sb_addf(out, "%02x", mac[i]);
	sb_addc(out, '>');
}

/* Length of the value word at p: a quoted string whole, else up to a blank. */
static size_t value_len(const char *p)
{
	const char *q;

	if (*p == '"' && (q = strchr(p + 1, '"')))
		return (size_t)(q - p) + 1;
	return strcspn(p, " \t");
}

void fw_mask_words(const struct fw_mask *mk, const char *format, const char *s, size_t len,
		   struct strbuf *out)
{
	const char *end = s + len;
	bool next = false;

	while (s < end) {
		size_t blank = strspn(s, " \t"), n, eq;

		if (blank > (size_t)(end - s))
			blank = (size_t)(end - s);
		sb_add(out, s, blank);
		if ((s += blank) >= end)
			break;
		n = next ? value_len(s) : strcspn(s, " \t");
		if (n > (size_t)(end - s))
			n = (size_t)(end - s);
		eq = strcspn(s, "=");
		if (next) {
			fw_mask_marker(mk, s, n, out);
			next = false;
		} else if (eq < n && fw_mask_is_secret(format, s, eq)) {
			sb_add(out, s, eq + 1);
			n = eq + 1 + value_len(s + eq + 1);
			if (n > (size_t)(end - s))
				n = (size_t)(end - s);
			fw_mask_marker(mk, s + eq + 1, n - eq - 1, out);
		} else {
			sb_add(out, s, n);
			next = fw_mask_is_secret(format, s, n);
		}
		s += n;
	}
}

char *fw_mask_site(const struct fw_mask *mk, const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	char *cur = xstrdup(text);

	for (size_t i = 0; mk && i < mk->nre; i++) {
		const char *p = cur;
		regmatch_t m[2];
		int flags = 0;

		sb_reset(&sb);
		while (*p && regexec(&mk->re[i], p, 2, m, flags) == 0) {
			/* A group masks what it captured; else the whole match is masked. */
			regmatch_t *g = m[1].rm_so >= 0 ? &m[1] : &m[0];
			if (m[0].rm_so == m[0].rm_eo) {   /* an empty match masks nothing: step on */
				size_t k = (size_t)m[0].rm_so + (p[m[0].rm_so] != '\0');
				sb_add(&sb, p, k);
				p += k;
				flags = REG_NOTBOL;
				continue;
			}
			sb_add(&sb, p, (size_t)g->rm_so);
			fw_mask_marker(mk, p + g->rm_so, (size_t)(g->rm_eo - g->rm_so), &sb);
			sb_add(&sb, p + g->rm_eo, (size_t)(m[0].rm_eo - g->rm_eo));
			p += m[0].rm_eo;
			flags = REG_NOTBOL;
		}
		sb_adds(&sb, p);
		free(cur);
		cur = sb_detach(&sb);
	}
	sb_release(&sb);
	return cur;
}
