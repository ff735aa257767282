"""Back-office statistics: aggregations computed by the database."""
