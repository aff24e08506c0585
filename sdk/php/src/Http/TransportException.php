<?php

namespace Licensing\Http;

/** No HTTP answer came: the service could not be reached. */
final class TransportException extends \RuntimeException
{
}
