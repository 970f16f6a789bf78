/** The host `kind` of helpdesk customers: "Anonymize user" applies to them only. */
export const supportKind = 'support';

/**
 * The item that applies the helpdesk "Anonymize user" rules in the host application (the campus demo registers
 * it). A host may register its own under another key and pass it as `itemKey`.
 */
export const supportUserItemKey = 'helpdesk/anonymize-user';
