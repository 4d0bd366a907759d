"""The demonstration data set: two fictional Points Relais that reproduce the reference semester.

Loaded into an empty database, it makes the report of the first semester 2019 print exactly the
tables of the association's 2019 activity report (../docs/statistiques.md, the reference
semester): contacts by channel, services delivered, people concerned and new people, for
Fontaine d'Ouche, Grésilles and the total column. Everything else is made up, but plausible:

- contacts on weekdays only, within opening hours (9:00-12:00 and 13:30-17:00), never on a
  public holiday nor during the Christmas closure; busier on Mondays, quieter in August;
- a service mix that fits each channel: messages for advisors and appointment requests mostly
  by phone, appointments held, PC use, CV and the monthly "actualisation" in person; about one
  contact in four delivers several services (a message and an appointment request, an
  appointment and photocopies, an actualisation in the visitor's online space...);
- every person belongs to one Point Relais in the first semester 2019; the returning visitors
  have history there in 2017-2018, the new ones have none anywhere;
- history from January 2017 and the second semester 2019 up to the breakdown of the old program
  (8 November 2019), with the Grésilles desk closed from 17 October (sick leave), so that
  comparisons and month breakdowns have something to show; a few people visit both sites
  outside the reference semester, and a few anonymous calls are logged in the second semester;
- the traces of ordinary desk work: duplicate entries deleted straight away, a contact first
  typed with the wrong year, person records typed twice and merged later.

The data set is built by a seeded random generator, so every run makes the same data set
(only the row identifiers, made where rows are born, differ). It is written in one transaction
with bulk Core inserts: all or nothing, in a second or two.
"""
