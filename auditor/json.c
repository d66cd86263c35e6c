/*
 * json.c - JSON output through jansson. Keys keep insertion order so the
 * documented schemas print in the documented order.
 */
#include <jansson.h>

#include "util.h"
#include "json.h"
#include "version.h"

static json_t *checked(json_t *v)
{
	if (!v) {
		fputs("mxaudit: out of memory\n", stderr);
		exit(3);
	}
	return v;
}

json_t *jobj(void) { return checked(json_object()); }
json_t *jarr(void) { return checked(json_array()); }

/* Every document starts with the two keys a consumer checks first. */
json_t *jroot(void)
{
	json_t *o = jobj();

	jset_int(o, "schema_version", MXAUDIT_SCHEMA_VERSION);
	jset_str(o, "mxaudit_version", MXAUDIT_VERSION);
	return o;
}

json_t *jstr(const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *v;

	if (!s)
		return json_null();
	if ((v = json_string(s)))
		return v;
	/* Not UTF-8 (hostile TXT data): show the bytes, keep the output valid. */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			sb_addc(&sb, (char)*p);
		else
			sb_addf(&sb, "\\x%02x", *p);
	}
	v = checked(json_string(sb.buf));
	sb_release(&sb);
	return v;
}

void jset(json_t *obj, const char *key, json_t *val)
{
	json_object_set_new_nocheck(obj, key, val);
}

void jset_str(json_t *obj, const char *key, const char *val)
{
	jset(obj, key, jstr(val));
}

void jset_int(json_t *obj, const char *key, long long val)
{
	jset(obj, key, checked(json_integer(val)));
}

void jset_bool(json_t *obj, const char *key, bool val)
{
	jset(obj, key, json_boolean(val));
}

void jpush(json_t *arr, json_t *val)
{
	json_array_append_new(arr, val);
}

void jpush_str(json_t *arr, const char *s)
{
	jpush(arr, jstr(s));
}

int jprint(FILE *out, const json_t *root)
{
	if (json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
		return error("cannot write JSON output");
	fputc('\n', out);
	return 0;
}

void jfree(json_t *root)
{
	json_decref(root);
}

json_t *jrecord(const char *name, const char *type, unsigned ttl, const char *rdata,
		const char *line)
{
	json_t *o = jobj();

	jset_str(o, "name", name);
	jset_str(o, "type", type);
	jset_int(o, "ttl", ttl);
	jset_str(o, "rdata", rdata);
	jset_str(o, "line", line);
	return o;
}

json_t *jref(json_t *v)
{
	return json_incref(v);
}
