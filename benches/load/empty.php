<?php
// The floor of a request through the load site's nginx and php-fpm: a PHP file that does nothing.
// benches/load/run links it into the docroot and measures it beside the live lane's poll.
