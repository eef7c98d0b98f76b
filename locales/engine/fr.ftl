# The engine's texts: argument validation and tool failures, in the conversation's language.
# English is the reference and the fallback. Placeables: $name.
tool-unavailable = Cet outil est temporairement indisponible. Réessayez dans quelques secondes.

## Argument validation
args-invalid = Les arguments ne sont pas valides, donc rien n'a été fait. { $problems } Corrigez les arguments et appelez à nouveau l'outil.
arg-required = `{ $field }` est obligatoire ({ $description }).
arg-unknown = Argument inconnu { $names } ; les arguments acceptés sont { $allowed }.
arg-not-object = Les arguments doivent être un objet JSON de champs nommés.
arg-type = `{ $field }` doit être { $expected ->
    [integer] un nombre entier
    [number] un nombre
    [string] une chaîne de caractères
    [boolean] true ou false
    [array] une liste
   *[object] un objet
  }.
arg-enum = `{ $field }` doit être l'une des valeurs suivantes : { $options }.
arg-pattern = `{ $field }` n'est pas au format attendu ({ $description }).
arg-email = `{ $field }` doit être une adresse e-mail valide, par exemple jane@example.com.
arg-minimum = `{ $field }` doit valoir au moins { $limit }.
arg-maximum = `{ $field }` doit valoir au plus { $limit }.
arg-min-length = `{ $field }` doit comporter au moins { $limit } caractères.
arg-max-length = `{ $field }` doit comporter au plus { $limit } caractères.
arg-invalid = `{ $field }` n'est pas valide.
