// Messages of the operator pages (en): contacts, templates, sender names, campaigns, tasks, quota.
const messages: Record<string, string> = {
};

export default messages;
