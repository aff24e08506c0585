<?php
require __DIR__ . '/../autoload.php';
require __DIR__ . '/Support/Api.php';
require __DIR__ . '/Support/Fakes.php';
require __DIR__ . '/Support/Attacker.php';
