// Gateway: see README.
