"""Dialogs: unlock, identities (new, rename, QR, delete), passphrase and backup, a
credential's detail and the Share dialog."""
