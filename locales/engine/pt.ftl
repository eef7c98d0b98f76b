# The engine's texts: argument validation and tool failures, in the conversation's language.
# English is the reference and the fallback. Placeables: $name.
tool-unavailable = Esta ferramenta está temporariamente indisponível. Tente novamente dentro de alguns segundos.

## Argument validation
args-invalid = Os argumentos não são válidos, por isso nada foi feito. { $problems } Corrija os argumentos e chame a ferramenta novamente.
arg-required = `{ $field }` é obrigatório ({ $description }).
arg-unknown = Argumento desconhecido { $names }; os argumentos válidos são { $allowed }.
arg-not-object = Os argumentos devem ser um objeto JSON com campos nomeados.
arg-type = `{ $field }` deve ser { $expected ->
    [integer] um número inteiro
    [number] um número
    [string] uma cadeia de caracteres
    [boolean] true ou false
    [array] uma lista
   *[object] um objeto
  }.
arg-enum = `{ $field }` deve ser um dos seguintes valores: { $options }.
arg-pattern = `{ $field }` não está no formato esperado ({ $description }).
arg-email = `{ $field }` deve ser um endereço de e-mail válido, como jane@example.com.
arg-minimum = `{ $field }` deve ser no mínimo { $limit }.
arg-maximum = `{ $field }` deve ser no máximo { $limit }.
arg-min-length = `{ $field }` deve ter pelo menos { $limit } caracteres.
arg-max-length = `{ $field }` deve ter no máximo { $limit } caracteres.
arg-invalid = `{ $field }` não é válido.
