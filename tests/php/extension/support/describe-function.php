<?php
/**
 * One function's signature as plain data, for comparing the stub (user functions, in a process
 * without the extension) with the extension (internal functions) through Reflection.
 */

declare(strict_types=1);

/** @return array<string, mixed> */
function presence_test_describe_function(ReflectionFunction $f): array
{
	$type = static function (?ReflectionType $t): ?array {
		return $t === null ? null : ['type' => (string) $t, 'nullable' => $t->allowsNull()];
	};
	$params = [];
	foreach ($f->getParameters() as $p) {
		$params[] = [
			'position' => $p->getPosition(),
			'name' => $p->getName(),
			'type' => $type($p->getType()),
			'optional' => $p->isOptional(),
			'default' => $p->isDefaultValueAvailable() ? var_export($p->getDefaultValue(), true) : '(none)',
			'variadic' => $p->isVariadic(),
			'by_reference' => $p->isPassedByReference(),
		];
	}
	return [
		'name' => $f->getName(),
		'parameters' => $params,
		'required' => $f->getNumberOfRequiredParameters(),
		'return' => $type($f->getReturnType()),
		'returns_reference' => $f->returnsReference(),
	];
}
