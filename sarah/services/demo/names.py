"""Names for the demonstration data set: fictional people of two Dijon neighbourhoods.

First names and family names are combined at random (with a fixed seed), so nobody in the data
set is a real person. The lists mix the names one meets at a Point Relais in Fontaine d'Ouche or
Grésilles: long-established Burgundian and French families, and families from North and West
Africa, the Comoros, Portugal, Turkey, Eastern Europe, South-East Asia and the overseas regions.
"""

from __future__ import annotations

# fmt: off
FIRST_NAMES_F: tuple[str, ...] = (
    "Aïcha", "Alexandra", "Alice", "Amandine", "Amel", "Amina", "Anaïs", "Angélique", "Anne",
    "Audrey", "Aurélie", "Awa", "Aya", "Binta", "Brigitte", "Camille", "Carla", "Carole",
    "Catherine", "Céline", "Chantal", "Charlotte", "Chloé", "Christelle", "Claire", "Coralie",
    "Corinne", "Dalila", "Delphine", "Djamila", "Élodie", "Émilie", "Emma", "Esra", "Estelle",
    "Fanny", "Fatima", "Fatoumata", "Fatou", "Françoise", "Habiba", "Hafsa", "Hanane", "Hawa",
    "Inès", "Isabelle", "Jennifer", "Jessica", "Joana", "Julie", "Justine", "Kadiatou", "Karima",
    "Kelly", "Khadija", "Laetitia", "Laura", "Léa", "Leila", "Linda", "Lina", "Lucie", "Malika",
    "Manon", "Marie", "Mariam", "Marine", "Marion", "Martine", "Mélanie", "Melissa", "Merve",
    "Mounia", "Myriam", "Nadia", "Nadine", "Naïma", "Nathalie", "Nawel", "Nora", "Océane",
    "Pauline", "Rachida", "Rokia", "Samia", "Sandra", "Sandrine", "Sarah", "Sabrina", "Salimata",
    "Samira", "Séverine", "Sonia", "Sophie", "Stéphanie", "Sylvie", "Tatiana", "Valérie",
    "Vanessa", "Virginie", "Yasmina", "Yasmine", "Zahra", "Zeynep", "Zoé", "Zohra",
)

FIRST_NAMES_H: tuple[str, ...] = (
    "Abdel", "Abdoulaye", "Adama", "Adrien", "Ahmed", "Alain", "Alexandre", "Ali", "Amadou",
    "Anthony", "Antoine", "Arnaud", "Axel", "Aymen", "Bakary", "Baptiste", "Bilal", "Brahim",
    "Bruno", "Cédric", "Christophe", "Cyril", "Damien", "David", "Denis", "Dylan", "Emre",
    "Éric", "Fabien", "Fabrice", "Florian", "Franck", "Frédéric", "Gaëtan", "Grégory", "Guillaume",
    "Hakim", "Hamza", "Hassan", "Hugo", "Ibrahim", "Idriss", "Ismaël", "Jérémy", "Jérôme", "João",
    "Jordan", "Julien", "Karim", "Kevin", "Khalid", "Lamine", "Laurent", "Loïc", "Lucas",
    "Ludovic", "Mamadou", "Marc", "Mathieu", "Maxime", "Mehdi", "Mickaël", "Mohamed", "Moussa",
    "Mustafa", "Nabil", "Nicolas", "Olivier", "Omar", "Ousmane", "Pascal", "Patrick", "Paulo",
    "Philippe", "Pierre", "Quentin", "Rachid", "Rayan", "Romain", "Ryan", "Saïd", "Samir",
    "Samuel", "Sébastien", "Seydou", "Sofiane", "Souleymane", "Stéphane", "Steven", "Sylvain",
    "Thierry", "Thomas", "Tony", "Valentin", "Vincent", "Walid", "Yacine", "Yannick", "Yassine",
    "Youssef", "Yves", "Zakaria",
)

LAST_NAMES: tuple[str, ...] = (
    "Abdallah", "Aït Ali", "Alaoui", "Almeida", "André", "Arslan", "Aubert", "Bakayoko", "Balde",
    "Barbier", "Bastien", "Belkacem", "Ben Ahmed", "Benali", "Benard", "Bensaïd", "Bernard",
    "Berthier", "Bertrand", "Blanc", "Bonnot", "Bouchard", "Boudjema", "Bouvier", "Boyer",
    "Brun", "Camara", "Carvalho", "Chabane", "Chauvin", "Cherif", "Cissé", "Clément", "Colin",
    "Coulibaly", "Courtois", "Da Costa", "Da Silva", "Demir", "Diallo", "Diarra", "Diop",
    "Djaballah", "Doğan", "Doucouré", "Drouhin", "Dubois", "Dufour", "Dumont", "Dupuis",
    "Durand", "Fabre", "Faure", "Fernandes", "Ferreira", "Fofana", "Fontaine", "Fournier",
    "Gaillard", "Garnier", "Gauthier", "Gérard", "Girard", "Gomes", "Gonçalves", "Guerin",
    "Guillot", "Haddad", "Hamidi", "Henry", "Hoarau", "Jacquet", "Kaya", "Keita", "Koné",
    "Kowalski", "Lacroix", "Lambert", "Laurent", "Lebrun", "Leclerc", "Lefèvre", "Lemoine",
    "Lopes", "Lucas", "Madi", "Mahamoud", "Maillard", "Mansouri", "Marchand", "Martin",
    "Martins", "Masson", "Mathieu", "Mercier", "Meunier", "Meyer", "Michaud", "Millot",
    "Mohamed", "Moreau", "Morel", "Moulin", "Nguyen", "Nicolas", "Noël", "Oliveira", "Ouattara",
    "Öztürk", "Perrin", "Petit", "Pereira", "Picard", "Pinto", "Poirier", "Prost", "Rahmani",
    "Renard", "Ribeiro", "Richard", "Rivière", "Robert", "Roche", "Rodrigues", "Rousseau",
    "Roux", "Saïdi", "Sall", "Sanchez", "Santos", "Sarr", "Schmitt", "Sidibé", "Simon", "Sow",
    "Soumaré", "Sylla", "Tall", "Tissot", "Touré", "Traoré", "Tran", "Vasseur", "Vidal",
    "Vincent", "Yıldız", "Yilmaz", "Zeroual", "Ziani",
)
# fmt: on

# Spelling slips an agent makes when a person is typed in a second time; the two records are
# merged later. (correct, as typed by mistake)
SPELLING_SLIPS: tuple[tuple[str, str], ...] = (
    ("Mohamed", "Mohammed"),
    ("Fatoumata", "Fatoumatta"),
    ("Aïcha", "Aicha"),
    ("Léa", "Lea"),
    ("Jérémy", "Jeremy"),
    ("Ismaël", "Ismael"),
    ("Mickaël", "Mickael"),
    ("Inès", "Ines"),
)
