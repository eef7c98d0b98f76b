# The engine's texts: argument validation and tool failures, in the conversation's language.
# English is the reference and the fallback. Placeables: $name.
tool-unavailable = This tool is temporarily unavailable. Try again in a few seconds.

## Argument validation
args-invalid = The arguments are not valid, so nothing was done. { $problems } Fix the arguments and call the tool again.
arg-required = `{ $field }` is required ({ $description }).
arg-unknown = Unknown argument { $names }; the arguments are { $allowed }.
arg-not-object = The arguments must be a JSON object of named fields.
arg-type = `{ $field }` must be { $expected ->
    [integer] a whole number
    [number] a number
    [string] a string
    [boolean] true or false
    [array] a list
   *[object] an object
  }.
arg-enum = `{ $field }` must be one of { $options }.
arg-pattern = `{ $field }` is not in the expected format ({ $description }).
arg-email = `{ $field }` must be a valid email address, like jane@example.com.
arg-minimum = `{ $field }` must be at least { $limit }.
arg-maximum = `{ $field }` must be at most { $limit }.
arg-min-length = `{ $field }` must be at least { $limit } characters long.
arg-max-length = `{ $field }` must be at most { $limit } characters long.
arg-invalid = `{ $field }` is not valid.
