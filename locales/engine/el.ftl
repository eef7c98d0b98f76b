# The engine's texts: argument validation and tool failures, in the conversation's language.
# English is the reference and the fallback. Placeables: $name.
tool-unavailable = Αυτό το εργαλείο δεν είναι προσωρινά διαθέσιμο. Δοκιμάστε ξανά σε λίγα δευτερόλεπτα.

## Argument validation
args-invalid = Τα ορίσματα δεν είναι έγκυρα, οπότε δεν έγινε τίποτα. { $problems } Διορθώστε τα ορίσματα και καλέστε ξανά το εργαλείο.
arg-required = Το `{ $field }` είναι υποχρεωτικό ({ $description }).
arg-unknown = Άγνωστο όρισμα { $names }· τα αποδεκτά ορίσματα είναι { $allowed }.
arg-not-object = Τα ορίσματα πρέπει να είναι ένα αντικείμενο JSON με ονομασμένα πεδία.
arg-type = Το `{ $field }` πρέπει να είναι { $expected ->
    [integer] ακέραιος αριθμός
    [number] αριθμός
    [string] συμβολοσειρά
    [boolean] true ή false
    [array] λίστα
   *[object] αντικείμενο
  }.
arg-enum = Το `{ $field }` πρέπει να είναι ένα από τα εξής: { $options }.
arg-pattern = Το `{ $field }` δεν έχει την αναμενόμενη μορφή ({ $description }).
arg-email = Το `{ $field }` πρέπει να είναι έγκυρη διεύθυνση email, όπως jane@example.com.
arg-minimum = Το `{ $field }` πρέπει να είναι τουλάχιστον { $limit }.
arg-maximum = Το `{ $field }` πρέπει να είναι το πολύ { $limit }.
arg-min-length = Το `{ $field }` πρέπει να έχει μήκος τουλάχιστον { $limit } χαρακτήρες.
arg-max-length = Το `{ $field }` πρέπει να έχει μήκος το πολύ { $limit } χαρακτήρες.
arg-invalid = Το `{ $field }` δεν είναι έγκυρο.
