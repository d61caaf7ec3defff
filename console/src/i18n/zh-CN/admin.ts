// Messages of the admin pages (zh-CN). Keys start with "admin.".
const messages: Record<string, string> = {
};

export default messages;
