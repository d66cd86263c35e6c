/*
 * svg.c - HTML escaping and the SVG shapes of the report (svg.h).
 * Colours come from classes in the page's style sheet, so a printed
 * page and a high-contrast reader can restyle them in one place.
 */
#include <string.h>

#include "svg.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = *s < 0x80 ? 1 : (*s & 0xe0) == 0xc0 ? 2 : (*s & 0xf0) == 0xe0 ? 3 :
		   (*s & 0xf8) == 0xf0 ? 4 : 0;

	if (n == 2 && *s < 0xc2)
		return 0;          /* overlong */
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void html_esc(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	for (; p && *p; p += n) {
		n = utf8_len(p);
		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			/*
			 * Control characters and bytes that are not UTF-8 (an
			 * export's comment, a TXT record) would make the page
			 * invalid: each becomes one '?'.
			 */
			if (!n || (*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
				fputc('?', out), n = 1;
			else
				fwrite(p, 1, n, out);
		}
	}
}

void html_esc_cut(FILE *out, const char *s, size_t max)
{
	size_t chars = 0, i;

	if (!s)
		return;
	for (i = 0; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++chars > max)
			break;
	if (!s[i]) {
		html_esc(out, s);
		return;
	}
	/* Cut before the first character past max - 1, then the ellipsis. */
	chars = 0;
	for (i = 0; s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && ++chars > max - 1)
			break;
	char buf[512];
	size_t n = i < sizeof(buf) - 1 ? i : sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	html_esc(out, buf);
	fputs("\u2026", out);
}

const char *link_state_name(enum link_state st)
{
	return st == LINK_OK ? "ok" : st == LINK_BROKEN ? "broken" : "unknown";
}

const char *link_state_mark(enum link_state st)
{
	return st == LINK_OK ? "\u2713" : st == LINK_BROKEN ? "\u2717" : "?";
}

void svg_open(FILE *out, const char *cls, int w, int h, const char *title, const char *desc)
{
	/* The first <title> child is the drawing's accessible name. */
	/* The frame lets a phone swipe a wide drawing instead of shrinking it. */
	fprintf(out, "<div class=\"fig\"><svg class=\"%s\" viewBox=\"0 0 %d %d\" role=\"img\"><title>",
		cls, w, h);
	html_esc(out, title);
	fputs("</title>", out);
	if (desc) {
		fputs("<desc>", out);
		html_esc(out, desc);
		fputs("</desc>", out);
	}
	fputc('\n', out);
}

void svg_close(FILE *out)
{
	fputs("</svg></div>\n", out);
}

void svg_text(FILE *out, int x, int y, const char *cls, const char *anchor, const char *text,
	      size_t max)
{
	fprintf(out, "<text x=\"%d\" y=\"%d\"", x, y);
	if (cls)
		fprintf(out, " class=\"%s\"", cls);
	if (anchor)
		fprintf(out, " text-anchor=\"%s\"", anchor);
	fputc('>', out);
	html_esc_cut(out, text, max);
	fputs("</text>", out);
}

void svg_box(FILE *out, int x, int y, int w, int h, const char *line1, const char *line2,
	     const char *title)
{
	size_t max = (size_t)(w - 8) / 6;   /* about 6 units a character at the box's size */

	fputs("<g class=\"node\">", out);
	if (title) {
		fputs("<title>", out);
		html_esc(out, title);
		fputs("</title>", out);
	}
	fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"/>", x, y, w, h);
	svg_text(out, x + w / 2, y + (line2 ? h / 2 - 3 : h / 2 + 4), NULL, "middle", line1, max);
	if (line2)
		svg_text(out, x + w / 2, y + h / 2 + 11, "sub", "middle", line2, max);
	fputs("</g>\n", out);
}

void svg_link(FILE *out, int x1, int y1, int x2, int y2, enum link_state st,
	      const char *attrs, const char *title)
{
	const char *name = link_state_name(st);

	fprintf(out, "<g class=\"link %s\" data-state=\"%s\"%s%s><title>", name, name,
		attrs ? " " : "", attrs ? attrs : "");
	fprintf(out, "%s: ", name);
	html_esc(out, title);
	fprintf(out, "</title><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", x1, y1, x2, y2);
	fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"8\"/><text x=\"%d\" y=\"%d\" "
		"text-anchor=\"middle\">%s</text></g>\n", (x1 + x2) / 2, (y1 + y2) / 2,
		(x1 + x2) / 2, (y1 + y2) / 2 + 4, link_state_mark(st));
}

void svg_marker(FILE *out, int x, int y, enum severity sev, int hollow, const char *title)
{
	fprintf(out, "<g class=\"mark %s%s\"><title>", severity_name(sev), hollow ? " resolved" : "");
	html_esc(out, title);
	fputs("</title>", out);
	if (sev == SEV_CRITICAL)
		fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\"/>", x - 6, y - 6);
	else if (sev == SEV_WARNING)
		fprintf(out, "<polygon points=\"%d,%d %d,%d %d,%d\"/>", x, y - 7, x + 7, y + 6,
			x - 7, y + 6);
	else
		fprintf(out, "<circle cx=\"%d\" cy=\"%d\" r=\"6\"/>", x, y);
	fputs("</g>\n", out);
}
