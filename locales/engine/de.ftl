# The engine's texts: argument validation and tool failures, in the conversation's language.
# English is the reference and the fallback. Placeables: $name.
tool-unavailable = Dieses Tool ist vorübergehend nicht verfügbar. Versuche es in ein paar Sekunden erneut.

## Argument validation
args-invalid = Die Argumente sind ungültig, daher wurde nichts ausgeführt. { $problems } Korrigiere die Argumente und rufe das Tool erneut auf.
arg-required = `{ $field }` ist erforderlich ({ $description }).
arg-unknown = Unbekanntes Argument { $names }; die zulässigen Argumente sind { $allowed }.
arg-not-object = Die Argumente müssen ein JSON-Objekt mit benannten Feldern sein.
arg-type = `{ $field }` muss { $expected ->
    [integer] eine ganze Zahl
    [number] eine Zahl
    [string] eine Zeichenkette
    [boolean] true oder false
    [array] eine Liste
   *[object] ein Objekt
  } sein.
arg-enum = `{ $field }` muss einer der folgenden Werte sein: { $options }.
arg-pattern = `{ $field }` hat nicht das erwartete Format ({ $description }).
arg-email = `{ $field }` muss eine gültige E-Mail-Adresse sein, zum Beispiel jane@example.com.
arg-minimum = `{ $field }` muss mindestens { $limit } sein.
arg-maximum = `{ $field }` darf höchstens { $limit } sein.
arg-min-length = `{ $field }` muss mindestens { $limit } Zeichen lang sein.
arg-max-length = `{ $field }` darf höchstens { $limit } Zeichen lang sein.
arg-invalid = `{ $field }` ist ungültig.
