// Casework: see README.
