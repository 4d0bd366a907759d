"""The reception desk: Accueil (contact form), Journal du jour, Saisie différée, gap banner."""
