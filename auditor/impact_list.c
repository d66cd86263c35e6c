/*
 * impact_list.c - the lists of introduced and resolved findings an
 * impact holds. Below impact.c and impact_fw.c, which both fill them.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "impact.h"

struct impact_item *impact_list_add(struct impact_list *l, const char *scope)
{
	struct impact_item *it;

	ALLOC_GROW(l->v, l->n + 1, l->alloc);
	it = memset(&l->v[l->n++], 0, sizeof(*it));
	it->scope = xstrdup(scope);
	return it;
}

void impact_list_release_items(struct impact_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		struct impact_item *it = &l->v[i];
		free(it->scope);
		free(it->f.code);
		free(it->f.subject);
		free(it->f.message);
		free(it->f.evidence);
		sl_release(&it->causes);
		sl_release(&it->reads);
	}
}

void impact_list_release(struct impact_list *l)
{
	impact_list_release_items(l);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
