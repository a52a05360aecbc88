// Vault: see README.
