"""What a youth's home page says ("Tableau de bord"): read models composed from the domains below."""
