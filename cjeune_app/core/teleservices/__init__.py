"""Téléservices: the online services each collège opens or closes (fiche de renseignements, demande
de bourse de collège), the Département's campaign windows per school year, and the bourse requests."""
