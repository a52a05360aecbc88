// SQLiteDB: see README.
