// HTTPCore: see README.
