# The engine's texts: argument validation and tool failures, in the conversation's language.
# English is the reference and the fallback. Placeables: $name.
tool-unavailable = Esta herramienta no está disponible temporalmente. Vuelve a intentarlo en unos segundos.

## Argument validation
args-invalid = Los argumentos no son válidos, así que no se hizo nada. { $problems } Corrige los argumentos y vuelve a llamar a la herramienta.
arg-required = `{ $field }` es obligatorio ({ $description }).
arg-unknown = Argumento desconocido { $names }; los argumentos admitidos son { $allowed }.
arg-not-object = Los argumentos deben ser un objeto JSON de campos con nombre.
arg-type = `{ $field }` debe ser { $expected ->
    [integer] un número entero
    [number] un número
    [string] una cadena de texto
    [boolean] true o false
    [array] una lista
   *[object] un objeto
  }.
arg-enum = `{ $field }` debe ser uno de estos valores: { $options }.
arg-pattern = `{ $field }` no tiene el formato esperado ({ $description }).
arg-email = `{ $field }` debe ser una dirección de correo electrónico válida, como jane@example.com.
arg-minimum = `{ $field }` debe ser como mínimo { $limit }.
arg-maximum = `{ $field }` debe ser como máximo { $limit }.
arg-min-length = `{ $field }` debe tener al menos { $limit } caracteres.
arg-max-length = `{ $field }` debe tener como máximo { $limit } caracteres.
arg-invalid = `{ $field }` no es válido.
