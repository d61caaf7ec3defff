// Messages of the admin pages (en). Keys start with "admin.".
const messages: Record<string, string> = {
};

export default messages;
