"""The citizen's side of the queue, outside the hub: the live page behind a ticket's QR and
"your turn is near" messages. One small process follows the hub's event stream like a board
does, so nothing here ever sits in the hub's request path (docs/citizen.md)."""
