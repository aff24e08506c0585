<?php
require __DIR__ . '/../../sdk/php/autoload.php';
require __DIR__ . '/../../sdk/php/tests/Support/Api.php';
require __DIR__ . '/Support/Site.php';
