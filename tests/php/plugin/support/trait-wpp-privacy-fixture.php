<?php
/**
 * People editing three posts that not everyone may edit, for the privacy tests of every surface:
 * - "Secret merger plan", a draft by an author, open in an editor's editor;
 * - "Private board minutes", a private post by an administrator, open in that administrator's;
 * - "Unpublished manuscript", a post of a type with its own capabilities (`capability_type =>
 *   'book'`, `map_meta_cap => true`), open in the editor of a librarian (an editor granted the
 *   book capabilities; no role has them).
 * Viewers: an editor, an author, a contributor, a subscriber and a second librarian.
 *
 * Use in a WPP_Heartbeat_TestCase: call set_up_privacy_fixture() in setUp() and
 * tear_down_privacy_fixture() in tearDown().
 *
 * @package Presence
 */

trait WPP_Privacy_Fixture {

	/** @var array<string,WP_Post> 'secret', 'private', 'book'. */
	protected array $posts = array();

	/** @var array<string,WP_User> Writers ('secret', 'private', 'book') and viewers by role. */
	protected array $people = array();

	/** Titles nobody may read who may not edit their post. */
	protected const TITLES = array(
		'secret'  => 'Secret merger plan',
		'private' => 'Private board minutes',
		'book'    => 'Unpublished manuscript',
	);

	protected function set_up_privacy_fixture(): void {
		register_post_type(
			'wpp_book',
			array(
				'label'           => 'Books',
				'public'          => false,
				'show_ui'         => true,
				'capability_type' => 'book',
				'map_meta_cap'    => true,
				'supports'        => array( 'title', 'editor', 'presence' ),
			)
		);

		$author    = self::user( 'author' );
		$admin     = self::user( 'administrator' );
		$librarian = self::librarian();

		$this->posts = array(
			'secret'  => self::post( array( 'post_title' => self::TITLES['secret'], 'post_status' => 'draft', 'post_author' => $author->ID ) ),
			'private' => self::post( array( 'post_title' => self::TITLES['private'], 'post_status' => 'private', 'post_author' => $admin->ID ) ),
			'book'    => self::post( array( 'post_title' => self::TITLES['book'], 'post_status' => 'draft', 'post_type' => 'wpp_book', 'post_author' => $admin->ID ) ),
		);
		$this->people = array(
			'secret'      => self::user( 'editor' ),
			'private'     => $admin,
			'book'        => $librarian,
			'editor'      => self::user( 'editor' ),
			'author'      => self::user( 'author' ),
			'contributor' => self::user( 'contributor' ),
			'subscriber'  => self::user( 'subscriber' ),
			'librarian'   => self::librarian(),
		);

		// Each writer is in their post's editor.
		foreach ( $this->posts as $key => $post ) {
			$this->heartbeat( $this->people[ $key ], $this->editor_data( $post->ID ), $post->post_type );
		}
	}

	/**
	 * An editor who also holds every book capability (no role has them).
	 */
	protected static function librarian(): WP_User {
		$librarian = self::user( 'editor' );
		foreach ( array( 'edit_books', 'edit_others_books', 'edit_published_books', 'edit_private_books', 'read_private_books' ) as $cap ) {
			$librarian->add_cap( $cap );
		}
		return $librarian;
	}

	protected function tear_down_privacy_fixture(): void {
		unregister_post_type( 'wpp_book' );
	}

	/**
	 * Which of the three posts a viewer may read about, by the rule (edit_post).
	 *
	 * @return string[] Keys of $this->posts.
	 */
	protected static function may_see( string $viewer ): array {
		return array(
			'editor'      => array( 'secret', 'private' ),
			'author'      => array(),
			'contributor' => array(),
			'subscriber'  => array(),
			'librarian'   => array( 'secret', 'private', 'book' ), // An editor with the book capabilities.
		)[ $viewer ];
	}

	/**
	 * Asserts that $seen (anything a viewer was shown, as text) says nothing about the posts the
	 * viewer may not edit — no title, no room, no post id, no edit link — and (when the surface
	 * names posts) names those they may.
	 */
	protected function assert_shows_only_allowed_posts( string $viewer, string $seen, string $where, bool $names_posts = true ): void {
		$allowed = self::may_see( $viewer );
		foreach ( $this->posts as $key => $post ) {
			$room = 'postType/' . $post->post_type . ':' . $post->ID;
			if ( in_array( $key, $allowed, true ) ) {
				if ( ! $names_posts ) {
					continue; // A surface that shows people only (the list shows the titles itself).
				}
				// Labels carry the title; the REST API's raw data carries the post id.
				$this->assertMatchesRegularExpression( '/' . preg_quote( self::TITLES[ $key ], '/' ) . '|"post_id":' . $post->ID . '\b/', $seen, "$where: $viewer learns about $key" );
				continue;
			}
			$this->assertStringNotContainsString( self::TITLES[ $key ], $seen, "$where: $viewer must not read the title of $key" );
			$this->assertStringNotContainsString( $room, $seen, "$where: $viewer must not see the room of $key" );
			$this->assertDoesNotMatchRegularExpression( '/"post_id":' . $post->ID . '\b|[?&;]post=' . $post->ID . '\b|post-' . $post->ID . '\b/', $seen, "$where: $viewer must not see the id of $key" );
		}
	}
}
