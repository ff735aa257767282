"""Identity photos: validation of uploads, crop and re-encoding, private storage."""
