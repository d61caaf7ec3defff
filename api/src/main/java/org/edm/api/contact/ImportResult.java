package org.edm.api.contact;

/** What an import did: rows received, distinct addresses among them, contacts created and updated. */
record ImportResult(int received, int distinctAddresses, int created, int updated) {
}
