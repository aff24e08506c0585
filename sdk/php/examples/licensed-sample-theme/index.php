<?php
if (!defined('ABSPATH')) {
    exit;
}
?><!doctype html>
<html <?php language_attributes(); ?>>
<head><meta charset="<?php bloginfo('charset'); ?>"><?php wp_head(); ?></head>
<body <?php body_class(); ?>>
<?php wp_body_open(); ?>
<h1><?php bloginfo('name'); ?></h1>
<?php
while (have_posts()) {
    the_post();
    the_title('<h2>', '</h2>');
    the_content();
}
?>
<footer><?php echo licensed_sample_theme_credit(); // escaped in the function ?></footer>
<?php wp_footer(); ?>
</body>
</html>
