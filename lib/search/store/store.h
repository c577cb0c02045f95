/* Shared between the writer (store.c) and the parser (store_parse.c) of result and
 * checkpoint files; the layout is described at the top of store.c. */
#ifndef SMI_STORE_H
#define SMI_STORE_H

#include "search/search.h"

#define SMI_STORE_VERSION 2

/* First word of each kind of file, indexed by SMI_STATE_RESULT / SMI_STATE_CHECKPOINT. */
extern const char *const smi_store_magic[2];
/* Status words of a model, indexed by SMI_KEPT_*. */
extern const char *const smi_store_status[4];

#endif /* SMI_STORE_H */
