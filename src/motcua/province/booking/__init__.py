"""Online booking on the provincial server: slots, signed codes, the public pages and API,
and the cursor the centres' hubs pull bookings with (docs/booking.md)."""
