"""Dialogs: unlock, identities (new, rename, QR, delete), passphrase and backup."""
